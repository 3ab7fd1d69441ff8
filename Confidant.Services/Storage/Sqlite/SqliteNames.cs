using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// The list fields of a row (<see cref="IConfidantStore.ListNamesAsync"/>): the name, enabled flag, archive date and a
/// service's mapped count, kept as columns beside the body by every write, so that the names read is answered by the
/// list index alone (<see cref="SqliteSchema"/>): neither a row nor its body (ciphertexts, pairs, metadata) is read.
/// </summary>
internal static class SqliteNames
{
    /// <summary>The list columns, in the order <see cref="Read"/> takes them.</summary>
    public const string Columns = "id, data_type, name, revision, modified_date, enabled, archive_date, mapped_count";

    /// <summary>The list columns a write sets beside the name, as parameters that <see cref="Bind"/> gives.</summary>
    public const string WrittenColumns = "enabled, archive_date, mapped_count";

    /// <summary><see cref="WrittenColumns"/> as the SET clause of an UPDATE that replaces a row's body.</summary>
    public const string Assignments = "enabled = $enabled, archive_date = $archive_date, mapped_count = $mapped_count";

    /// <summary><see cref="WrittenColumns"/> as the parameter list of an INSERT.</summary>
    public const string Values = "$enabled, $archive_date, $mapped_count";

    /// <summary>Gives the list fields of <paramref name="item"/>, the body written with them, as parameters.</summary>
    public static void Bind(SqliteCommand command, StoredItem item)
    {
        bool? enabled = item switch
        {
            CredentialItem credential => credential.Enabled,
            BlindCredentialItem blind => blind.Enabled,
            ServiceItem service => service.Enabled,
            _ => null,
        };
        command.Parameters.AddWithValue("$enabled", enabled is { } flag ? flag : DBNull.Value);
        command.Parameters.AddWithValue("$archive_date", item.ArchiveDate is { } date ? ConfidantDates.ToStored(date) : DBNull.Value);
        command.Parameters.AddWithValue("$mapped_count", item is ServiceItem mapping ? mapping.Credentials.Count + mapping.BlindCredentials.Count : 0);
    }

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
