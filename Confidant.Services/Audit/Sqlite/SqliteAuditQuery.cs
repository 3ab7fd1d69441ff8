using System.Text;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// Audit queries in SQLite, newest first by (time, chain, sequence). A resource filter reads the records of that
/// resource and those of every delivered list holding it (<c>audit_item_sets</c>), each from its index in order, and
/// merges them; an actor filter is driven from the actor index, anything else from the time index; the remaining
/// filters narrow the rows those indexes yield.
/// </summary>
internal static class SqliteAuditQuery
{
    public static async Task<AuditPage> RunAsync(SqliteConnection connection, AuditQuery query, AuditPosition? after, CancellationToken cancellationToken)
    {
        var limit = query.PageSize;
        List<AuditRecord> records;
        if (query.ResourceId is { } resource)
        {
            // Each list's records come in order from its own index; a page is the newest of them all (a record of the
            // resource whose list holds it too is read twice, and kept once).
            records = [];
            records.AddRange(await RunAsync(connection, query, after, "ix_audit_records_resource", "r.resource_id", resource, cancellationToken));
            foreach (var setId in await SetsHoldingAsync(connection, resource, cancellationToken))
            {
                records.AddRange(await RunAsync(connection, query, after, "ix_audit_records_items", $"r.{SqliteAuditSchema.ItemsSetColumn}", setId, cancellationToken));
            }

            records = [.. records.DistinctBy(r => (r.ChainId, r.Sequence)).OrderByDescending(r => r.Position).Take(limit + 1)];
        }
        else
        {
            var index = query.Actor is null ? "ix_audit_records_time" : "ix_audit_records_actor";
            records = await RunAsync(connection, query, after, index, null, null, cancellationToken);
        }

        var more = records.Count > limit;
        if (more)
        {
            records.RemoveAt(records.Count - 1);
        }

        return new AuditPage(records, more ? AuditPageToken.Encode(records[^1].Position) : null);
    }

    private static async Task<List<string>> SetsHoldingAsync(SqliteConnection connection, string resourceId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT set_id FROM audit_item_sets WHERE resource_id = $resource";
        command.Parameters.AddWithValue("$resource", resourceId);
        var sets = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sets.Add(reader.GetString(0));
        }

        return sets;
    }

    // One page (and one record more) of the records an index yields, newest first; keyColumn = key narrows it to one key.
    private static async Task<List<AuditRecord>> RunAsync(
        SqliteConnection connection,
        AuditQuery query,
        AuditPosition? after,
        string index,
        string? keyColumn,
        string? key,
        CancellationToken cancellationToken)
    {
        var limit = query.PageSize;
        await using var command = connection.CreateCommand();
        var columns = string.Join(", ", SqliteAuditSchema.RecordColumns.Split(", ").Select(c => "r." + c));
        var sql = new StringBuilder($"SELECT {columns} FROM audit_records r INDEXED BY {index}");
        var conditions = new List<string>();
        if (keyColumn is not null)
        {
            conditions.Add($"{keyColumn} = $key");
            command.Parameters.AddWithValue("$key", key);
        }

        if (query.Actor is { } actor)
        {
            conditions.Add("r.actor_name = $actor");
            command.Parameters.AddWithValue("$actor", actor);
        }

        if (query.Action is { } action)
        {
            conditions.Add("r.action = $action");
            command.Parameters.AddWithValue("$action", action);
        }

        if (query.Outcome is { } outcome)
        {
            conditions.Add("r.outcome = $outcome");
            command.Parameters.AddWithValue("$outcome", outcome);
        }

        if (query.Flag is { } flag)
        {
            // Flags are a JSON array of fixed words; instr on the quoted word is an exact match of one of them.
            conditions.Add("instr(r.flags, $flag) > 0");
            command.Parameters.AddWithValue("$flag", $"\"{flag}\"");
        }

        if (query.From is { } from)
        {
            conditions.Add("r.time >= $from");
            command.Parameters.AddWithValue("$from", AuditCanonical.Microseconds(from));
        }

        if (query.To is { } to)
        {
            conditions.Add("r.time < $to");
            command.Parameters.AddWithValue("$to", AuditCanonical.Microseconds(to));
        }

        if (after is { } position)
        {
            conditions.Add("(r.time, r.chain_id, r.seq) < ($afterTime, $afterChain, $afterSeq)");
            command.Parameters.AddWithValue("$afterTime", AuditCanonical.Microseconds(position.Time));
            command.Parameters.AddWithValue("$afterChain", position.ChainId);
            command.Parameters.AddWithValue("$afterSeq", position.Sequence);
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", conditions));
        }

        sql.Append(" ORDER BY r.time DESC, r.chain_id DESC, r.seq DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit + 1);
        command.CommandText = sql.ToString();

        var records = new List<AuditRecord>(limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(SqliteAuditRows.Read(reader));
        }

        return records;
    }
}
