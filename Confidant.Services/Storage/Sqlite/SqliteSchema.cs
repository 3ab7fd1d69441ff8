using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// The SQLite layout (docs/decisions/0003-sqlite-schema.md): the DynamoDB key, the GSI columns and the name as
/// columns, the rest of the item as a JSON body. <c>items</c> is the primary table, <c>archive_items</c> the archive.
/// </summary>
internal static class SqliteSchema
{
    public const string Items = "items";
    public const string ArchiveItems = "archive_items";

    private const int Version = 1;

    public static async Task EnsureCreatedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var wal = connection.CreateCommand())
        {
            // WAL lets readers proceed while a writer holds the write lock; the mode is stored in the file.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            {TableSql(Items, string.Empty)}
            {TableSql(ArchiveItems, "archive_date TEXT NOT NULL,")}
            PRAGMA user_version = {Version};
            """;
        if (await CurrentVersionAsync(connection, transaction, cancellationToken) < Version)
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // modified_date holds the 31-character stored date (spec §6.4), whose text order is its time order, so the
    // (data_type, modified_date, id) index serves the GSI-like queries and keyset paging.
    private static string TableSql(string table, string extraColumns) => $"""
        CREATE TABLE IF NOT EXISTS {table} (
            id TEXT NOT NULL PRIMARY KEY,
            {extraColumns}
            data_type TEXT NOT NULL,
            modified_date TEXT NOT NULL,
            revision INTEGER NOT NULL,
            name TEXT,
            body TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_{table}_data_type_date ON {table} (data_type, modified_date, id);
        CREATE INDEX IF NOT EXISTS ix_{table}_data_type_name ON {table} (data_type, name);
        """;

    private static async Task<long> CurrentVersionAsync(
        SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
