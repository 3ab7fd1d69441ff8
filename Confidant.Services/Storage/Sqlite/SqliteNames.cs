using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// The list fields of a row (<see cref="IConfidantStore.ListNamesAsync"/>): the columns as they are, and the enabled
/// flag, archive date and a service's mapped count taken out of the JSON body by SQLite itself, so that the body (its
/// ciphertexts, pairs and metadata) is never handed to .NET nor decoded there.
/// </summary>
internal static class SqliteNames
{
    public static string Columns(DataType dataType) => $"""
        id, data_type, name, revision, modified_date,
        json_extract(body, '$.enabled'), json_extract(body, '$.archive_date'),
        {(dataType == DataType.Service ? "ifnull(json_array_length(body, '$.credentials'), 0) + ifnull(json_array_length(body, '$.blind_credentials'), 0)" : "0")}
        """;

    public static NamedItem Read(SqliteDataReader reader)
    {
        var id = reader.GetString(0);
        var dataType = SqliteRows.DataTypeOf(reader.GetString(1));
        return new NamedItem(
            id,
            dataType,
            // A service has no name column: its name is its id.
            reader.IsDBNull(2) ? id : reader.GetString(2),
            !reader.IsDBNull(5) ? reader.GetInt64(5) != 0 : throw Unreadable(id, "enabled"),
            reader.GetInt32(3),
            Date(id, "modified_date", reader.GetString(4)),
            reader.IsDBNull(6) ? null : Date(id, "archive_date", reader.GetString(6)),
            reader.GetInt32(7));
    }

    private static DateTimeOffset Date(string id, string field, string text) =>
        ConfidantDates.TryParseStored(text, out var date) ? date : throw Unreadable(id, field);

    private static InvalidDataException Unreadable(string id, string field) =>
        new($"Stored item '{id}' has a missing or unreadable '{field}'.");
}
