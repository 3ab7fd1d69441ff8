using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage;

public enum StorageProvider
{
    Sqlite,
    DynamoDb,
}

/// <summary>Configuration section <c>Storage</c>: which backend holds the Confidant items (spec §6, §10.4).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    public DynamoDbStorageOptions DynamoDb { get; set; } = new();

    /// <summary>
    /// The longest one store call (a read, a revision write, an audit append) may take before the request is answered
    /// 503; SQLite waits at most this long for a lock.
    /// </summary>
    public int CallTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// How long a write that named no expected revision keeps retrying after losing a race to another writer, with
    /// jittered back-off, before it is answered 503.
    /// </summary>
    public int WriteRetrySeconds { get; set; } = 10;

    public TimeSpan CallTimeout => TimeSpan.FromSeconds(CallTimeoutSeconds);

    public TimeSpan WriteRetryBudget => TimeSpan.FromSeconds(WriteRetrySeconds);
}

public sealed class SqliteStorageOptions
{
    /// <summary>Database file; a relative path resolves against the content root.</summary>
    public string Path { get; set; } = "App_Data/confidant.db";
}

public sealed class DynamoDbStorageOptions
{
    /// <summary>Primary table (DYNAMODB_TABLE).</summary>
    public string? Table { get; set; }

    /// <summary>Archive table (DYNAMODB_TABLE_ARCHIVE); archive operations fail while it is unset.</summary>
    public string? ArchiveTable { get; set; }

    /// <summary>Audit trail table; defaults to the primary table's name followed by <c>-audit</c>.</summary>
    public string? AuditTable { get; set; }

    /// <summary>Endpoint override (DYNAMODB_URL), e.g. a local DynamoDB.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Create missing tables at start (DYNAMODB_CREATE_TABLE).</summary>
    public bool CreateTable { get; set; }
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const int MaxSeconds = 300;

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                if (string.IsNullOrWhiteSpace(options.Sqlite.Path))
                {
                    failures.Add("Storage:Sqlite:Path is required when Storage:Provider is Sqlite.");
                }

                break;
            case StorageProvider.DynamoDb:
                ValidateDynamoDb(options.DynamoDb, failures);
                break;
            default:
                failures.Add("Storage:Provider must be Sqlite or DynamoDb.");
                break;
        }

        if (options.CallTimeoutSeconds is < 1 or > MaxSeconds)
        {
            failures.Add($"Storage:CallTimeoutSeconds must be between 1 and {MaxSeconds} (was {options.CallTimeoutSeconds}).");
        }

        if (options.WriteRetrySeconds is < 1 or > MaxSeconds)
        {
            failures.Add($"Storage:WriteRetrySeconds must be between 1 and {MaxSeconds} (was {options.WriteRetrySeconds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDynamoDb(DynamoDbStorageOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.Table))
        {
            failures.Add("Storage:DynamoDb:Table is required when Storage:Provider is DynamoDb.");
        }

        if (options.ArchiveTable is not null && string.IsNullOrWhiteSpace(options.ArchiveTable))
        {
            failures.Add("Storage:DynamoDb:ArchiveTable must not be blank; remove it to disable the archive.");
        }
        else if (options.ArchiveTable is not null && string.Equals(options.ArchiveTable, options.Table, StringComparison.Ordinal))
        {
            failures.Add("Storage:DynamoDb:ArchiveTable must differ from Storage:DynamoDb:Table.");
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            failures.Add("Storage:DynamoDb:Region is required when Storage:Provider is DynamoDb.");
        }

        if (!string.IsNullOrEmpty(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add("Storage:DynamoDb:ServiceUrl must be an absolute http or https URL.");
        }
    }
}
