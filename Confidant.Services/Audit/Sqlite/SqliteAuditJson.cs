using System.Buffers;
using System.Text.Json;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The small JSON arrays of arrays that SQLite audit rows hold: a checkpoint's witnesses
/// (<c>[["&lt;chain&gt;",41,"&lt;hex&gt;"]]</c>), and the item lists, flags and witnesses of the one-row-per-record
/// layout that <see cref="SqliteAuditUpgrade"/> reads. SQL NULL stands for an empty list.
/// </summary>
internal static class SqliteAuditJson
{
    public static string? Witnesses(IReadOnlyList<AuditWitness> witnesses)
    {
        if (witnesses.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var witness in witnesses)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(witness.ChainId);
                writer.WriteNumberValue(witness.Sequence);
                writer.WriteStringValue(witness.Hash);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static AuditWitness[] ParseWitnesses(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(w => new AuditWitness(w[0].GetString()!, w[1].GetInt64(), w[2].GetString()!))
            .ToArray();
    }

    public static AuditItem[] ParseItems(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(i => new AuditItem(i[0].GetString()!, i[1].GetString()!, i[2].ValueKind == JsonValueKind.Null ? null : i[2].GetInt32()))
            .ToArray();
    }

    public static string[] ParseFlags(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];
}
