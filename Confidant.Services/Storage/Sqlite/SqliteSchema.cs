using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// The SQLite layout (docs/decisions/0003-sqlite-schema.md): the DynamoDB key, the GSI columns, the name and the list
/// fields as columns, the rest of the item as a JSON body. <c>items</c> is the primary table, <c>archive_items</c> the
/// archive. Version 2 added the list fields and the index that serves the names read alone; a version-1 file is
/// brought up to it when opened.
/// </summary>
internal static class SqliteSchema
{
    public const string Items = "items";
    public const string ArchiveItems = "archive_items";

    private const int Version = 2;

    public static async Task EnsureCreatedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var wal = connection.CreateCommand())
        {
            // WAL lets readers proceed while a writer holds the write lock; the mode is stored in the file.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
        if (current < Version)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                {(current == 0 ? TableSql(Items, "archive_date TEXT,") + TableSql(ArchiveItems, "archive_date TEXT NOT NULL,") : ListFieldsSql())}
                PRAGMA user_version = {Version};
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // modified_date holds the 31-character stored date (spec §6.4), whose text order is its time order, so the
    // (data_type, modified_date, id) prefix of the list index serves the GSI-like queries and keyset paging; the
    // columns after it make the index alone answer the names read (SqliteNames), without a lookup of each row.
    private static string TableSql(string table, string archiveDateColumn) => $"""
        CREATE TABLE {table} (
            id TEXT NOT NULL PRIMARY KEY,
            {archiveDateColumn}
            data_type TEXT NOT NULL,
            modified_date TEXT NOT NULL,
            revision INTEGER NOT NULL,
            name TEXT,
            enabled INTEGER,
            mapped_count INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL
        ) WITHOUT ROWID;
        {ListIndexSql(table)}
        CREATE INDEX ix_{table}_data_type_name ON {table} (data_type, name);
        """;

    private static string ListIndexSql(string table) =>
        $"CREATE INDEX ix_{table}_list ON {table} (data_type, modified_date, id, name, revision, enabled, archive_date, mapped_count);";

    // Version 1 kept the list fields in the body only: they are taken out of it once, with the same JSON paths the
    // names read used then, and the date index gives way to the list index, which begins with the same columns.
    private static string ListFieldsSql() => $"""
        ALTER TABLE {Items} ADD COLUMN archive_date TEXT;
        {AddListFieldsSql(Items)}
        {AddListFieldsSql(ArchiveItems)}
        """;

    private static string AddListFieldsSql(string table) => $"""
        ALTER TABLE {table} ADD COLUMN enabled INTEGER;
        ALTER TABLE {table} ADD COLUMN mapped_count INTEGER NOT NULL DEFAULT 0;
        UPDATE {table} SET
            enabled = json_extract(body, '$.enabled'),
            mapped_count = CASE WHEN data_type = '{DataType.Service.ToWire()}'
                THEN ifnull(json_array_length(body, '$.credentials'), 0) + ifnull(json_array_length(body, '$.blind_credentials'), 0)
                ELSE 0 END
            {(table == Items ? ", archive_date = json_extract(body, '$.archive_date')" : string.Empty)};
        DROP INDEX ix_{table}_data_type_date;
        {ListIndexSql(table)}
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
