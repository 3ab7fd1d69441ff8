using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// A record as a row of <c>audit_records</c> and back. The lists (items, flags, witnesses) are small JSON arrays of
/// arrays; they need not be canonical, since a verifier re-encodes the record from its columns.
/// </summary>
internal static class SqliteAuditRows
{
    private static readonly string[] Columns = [.. SqliteAuditSchema.RecordColumns.Split(", "), SqliteAuditSchema.ItemsSetColumn];

    // A service read's list is the same instance poll after poll (the response cache): its JSON is written once.
    private static readonly ConditionalWeakTable<IReadOnlyList<AuditItem>, string> ItemsJson = new();

    public static string InsertSql { get; } =
        $"INSERT INTO audit_records ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "$" + c))})";

    public static SqliteParameter[] AddParameters(SqliteCommand command) =>
        Columns.Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = "$" + name })).ToArray();

    public static void Bind(SqliteParameter[] parameters, AuditRecord record)
    {
        var entry = record.Entry;
        var items = entry.Items.Count == 0 ? null : ItemsJson.GetValue(entry.Items, static list => Items(list));
        object?[] values =
        [
            record.ChainId, record.Sequence, AuditCanonical.Microseconds(record.Time), entry.Action, entry.Outcome, entry.ResourceType,
            entry.ResourceId, entry.Revision, items, entry.Via, entry.Detail, entry.Actor.Name, entry.Actor.Type,
            entry.Actor.Subject, entry.Actor.Email, entry.Actor.Account, entry.Actor.AuthMethod, entry.Origin.Channel, entry.Origin.Route,
            entry.Origin.Address, entry.Origin.UserAgent, entry.Origin.RequestId, Flags(record.Flags), Witnesses(record.Witnesses),
            Convert.FromHexString(record.PreviousHash), Convert.FromHexString(record.Hash),
            entry.Items.Count == 0 ? null : AuditItemSets.IdOf(entry.Items),
        ];
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    /// <summary>Reads a row selected with <see cref="SqliteAuditSchema.RecordColumns"/> in that order.</summary>
    public static AuditRecord Read(SqliteDataReader row)
    {
        var entry = new AuditEntry
        {
            Action = row.GetString(3),
            Outcome = row.GetString(4),
            ResourceType = row.GetString(5),
            ResourceId = row.GetString(6),
            Revision = row.IsDBNull(7) ? null : checked((int)row.GetInt64(7)),
            Items = row.IsDBNull(8) ? [] : ParseItems(row.GetString(8)),
            Via = Text(row, 9),
            Detail = Text(row, 10),
            Actor = new AuditActor(row.GetString(11), row.GetString(12), Text(row, 13), Text(row, 14), Text(row, 15), row.GetString(16)),
            Origin = new AuditOrigin(row.GetString(17), row.GetString(18), Text(row, 19), Text(row, 20), Text(row, 21)),
        };
        return new AuditRecord(
            row.GetString(0),
            row.GetInt64(1),
            AuditCanonical.FromMicroseconds(row.GetInt64(2)),
            entry,
            row.IsDBNull(22) ? [] : JsonSerializer.Deserialize<string[]>(row.GetString(22)) ?? [],
            Hex(row, 24),
            Hex(row, 25))
        {
            Witnesses = row.IsDBNull(23) ? [] : ParseWitnesses(row.GetString(23)),
        };
    }

    public static string? Witnesses(IReadOnlyList<AuditWitness> witnesses) => witnesses.Count == 0 ? null : Json(writer =>
    {
        foreach (var witness in witnesses)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(witness.ChainId);
            writer.WriteNumberValue(witness.Sequence);
            writer.WriteStringValue(witness.Hash);
            writer.WriteEndArray();
        }
    });

    public static AuditWitness[] ParseWitnesses(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(w => new AuditWitness(w[0].GetString()!, w[1].GetInt64(), w[2].GetString()!))
            .ToArray();
    }

    private static string Items(IReadOnlyList<AuditItem> items) => Json(writer =>
    {
        foreach (var item in items)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(item.ResourceType);
            writer.WriteStringValue(item.Id);
            if (item.Revision is { } revision)
            {
                writer.WriteNumberValue(revision);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteEndArray();
        }
    });

    private static AuditItem[] ParseItems(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(i => new AuditItem(i[0].GetString()!, i[1].GetString()!, i[2].ValueKind == JsonValueKind.Null ? null : i[2].GetInt32()))
            .ToArray();
    }

    private static string? Flags(IReadOnlyList<string> flags) => flags.Count == 0 ? null : Json(writer =>
    {
        foreach (var flag in flags)
        {
            writer.WriteStringValue(flag);
        }
    });

    private static string Json(Action<Utf8JsonWriter> writeElements)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writeElements(writer);
            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string? Text(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    private static string Hex(SqliteDataReader row, int ordinal) => Convert.ToHexStringLower((byte[])row.GetValue(ordinal));
}
