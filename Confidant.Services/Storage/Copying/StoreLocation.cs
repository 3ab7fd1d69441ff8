namespace Confidant.Services.Storage.Copying;

/// <summary>
/// A store named on a command line: <c>sqlite:PATH</c> (a SQLite file, with its archive inside) or
/// <c>dynamodb:TABLE[:ARCHIVE_TABLE]</c> (DynamoDB names hold no colon). Without an archive table, DynamoDB's is the
/// configured <c>Storage:DynamoDb:ArchiveTable</c>.
/// </summary>
public sealed record StoreLocation(StorageProvider Provider, string Name, string? ArchiveTable = null)
{
    public static StoreLocation? Parse(string text)
    {
        if (text.StartsWith("sqlite:", StringComparison.Ordinal) && text.Length > "sqlite:".Length)
        {
            return new StoreLocation(StorageProvider.Sqlite, text["sqlite:".Length..]);
        }

        if (!text.StartsWith("dynamodb:", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text["dynamodb:".Length..].Split(':');
        return parts switch
        {
            [{ Length: > 0 } table] => new StoreLocation(StorageProvider.DynamoDb, table),
            [{ Length: > 0 } table, { Length: > 0 } archive] when archive != table => new StoreLocation(StorageProvider.DynamoDb, table, archive),
            _ => null,
        };
    }

    public override string ToString() => Provider == StorageProvider.Sqlite
        ? $"sqlite:{Name}"
        : ArchiveTable is null ? $"dynamodb:{Name}" : $"dynamodb:{Name}:{ArchiveTable}";
}
