using Amazon.DynamoDBv2;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>
/// The configured DynamoDB tables (spec §6.1): the primary and archive tables of the items, and the audit trail's
/// table, all with the same key schema. Creating them is idempotent: existing tables are kept as they are.
/// </summary>
/// <remarks>The audit is looked up only when tables are created on a caller's behalf: the store's own tables come first.</remarks>
public sealed class DynamoDbTables(IAmazonDynamoDB client, IOptions<StorageOptions> options, TimeProvider time, Func<AuditRecorder> audit)
{
    /// <summary>The audit trail's resource type for a table (its id is the table name).</summary>
    public const string TableResource = "dynamodb_table";

    /// <summary>The primary and (when configured) archive tables.</summary>
    public IReadOnlyList<string> StoreTables
    {
        get
        {
            var dynamo = options.Value.DynamoDb;
            return dynamo.ArchiveTable is { } archive ? [dynamo.Table!, archive] : [dynamo.Table!];
        }
    }

    /// <summary>The audit trail's table (<c>Storage:DynamoDb:AuditTable</c>, default <c>&lt;Table&gt;-audit</c>).</summary>
    public string AuditTable => options.Value.DynamoDb.AuditTable ?? $"{options.Value.DynamoDb.Table}-audit";

    public Task CreateStoreTablesAsync(CancellationToken cancellationToken = default) =>
        new TableBootstrapper(client, time).EnsureTablesAsync(StoreTables, cancellationToken);

    /// <summary>
    /// Creates each of the store's and the audit trail's tables that does not exist and waits until all are ACTIVE;
    /// <paramref name="done"/> hears of each (its name, and whether it was new). A table created is recorded as
    /// <paramref name="caller"/>'s act once the audit table exists.
    /// </summary>
    public async Task CreateAllAsync(ConfidantPrincipal caller, Func<string, bool, Task> done, CancellationToken cancellationToken = default)
    {
        var created = new List<string>();
        foreach (var table in StoreTables.Append(AuditTable))
        {
            var existed = await ExistsAsync(table, cancellationToken);
            await new TableBootstrapper(client, time).EnsureTablesAsync([table], cancellationToken);
            if (!existed)
            {
                created.Add(table);
            }

            await done(table, !existed);
        }

        foreach (var table in created)
        {
            await audit().SucceededAsync(AuditEntry.For(caller, AuditActions.Admin, TableResource, table));
        }
    }

    private async Task<bool> ExistsAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await client.DescribeTableAsync(table, cancellationToken);
            return true;
        }
        catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
        {
            return false;
        }
    }
}
