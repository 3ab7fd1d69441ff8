using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>Row-level reads and writes of the <see cref="SqliteSchema"/> tables.</summary>
internal static class SqliteRows
{
    private const int MaxIdsPerStatement = 500;

    public static async Task<StoredItem?> ReadAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string table, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT data_type, body FROM {table} WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        var items = await ReadAllAsync(command, cancellationToken);
        return items.Count == 0 ? null : items[0];
    }

    public static async Task<List<StoredItem>> ReadManyAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string table,
        IEnumerable<string> ids,
        CancellationToken cancellationToken)
    {
        var items = new List<StoredItem>();
        foreach (var chunk in ids.Chunk(MaxIdsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var parameter = "$id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                names.Add(parameter);
                command.Parameters.AddWithValue(parameter, chunk[i]);
            }

            command.CommandText = $"SELECT data_type, body FROM {table} WHERE id IN ({string.Join(", ", names)})";
            items.AddRange(await ReadAllAsync(command, cancellationToken));
        }

        return items;
    }

    public static async Task<List<StoredItem>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var items = new List<StoredItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadItem(reader));
        }

        return items;
    }

    /// <summary>The item of a row selected as <c>data_type, body</c>.</summary>
    public static StoredItem ReadItem(SqliteDataReader reader) =>
        StoredItemJson.Deserialize(reader.GetString(1), DataTypeOf(reader.GetString(0)));

    public static DataType DataTypeOf(string text) =>
        DataTypes.TryParse(text, out var dataType) ? dataType : throw new InvalidDataException("A stored row has an unknown data_type.");

    /// <summary>Writes a row; <paramref name="verb"/> is <c>INSERT</c>, <c>INSERT OR REPLACE</c> or <c>INSERT OR IGNORE</c>.</summary>
    public static async Task<bool> WriteAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string table,
        string verb,
        StoredItem item,
        CancellationToken cancellationToken)
    {
        if (table == SqliteSchema.ArchiveItems && item.ArchiveDate is null)
        {
            throw new ArgumentException("An archived item needs an archive date.", nameof(item));
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            {verb} INTO {table} (id, data_type, modified_date, revision, name, body, {SqliteNames.WrittenColumns})
            VALUES ($id, $data_type, $modified_date, $revision, $name, $body, {SqliteNames.Values})
            """;
        command.Parameters.AddWithValue("$id", item.Id);
        command.Parameters.AddWithValue("$data_type", item.DataType.ToWire());
        command.Parameters.AddWithValue("$modified_date", ConfidantDates.ToStored(item.ModifiedDate));
        command.Parameters.AddWithValue("$revision", item.Revision);
        command.Parameters.AddWithValue("$name", NameOf(item) is { } name ? name : DBNull.Value);
        command.Parameters.AddWithValue("$body", StoredItemJson.Serialize(item));
        SqliteNames.Bind(command, item);

        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public static async Task DeleteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string table, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM {table} WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? NameOf(StoredItem item) => item switch
    {
        CredentialItem credential => credential.Name,
        BlindCredentialItem blind => blind.Name,
        _ => null,
    };
}
