using System.Text;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// Audit queries in SQLite, newest first by (time, chain, sequence). A resource filter is driven from the resource
/// index (which holds each record's resource and items), an actor filter from the actor index, anything else from the
/// time index; the remaining filters narrow the rows those indexes yield.
/// </summary>
internal static class SqliteAuditQuery
{
    public static async Task<AuditPage> RunAsync(SqliteConnection connection, AuditQuery query, AuditPosition? after, CancellationToken cancellationToken)
    {
        var limit = query.PageSize;
        await using var command = connection.CreateCommand();
        var columns = string.Join(", ", SqliteAuditSchema.RecordColumns.Split(", ").Select(c => "r." + c));
        var sql = new StringBuilder();
        string order;
        var conditions = new List<string>();
        if (query.ResourceId is { } resource)
        {
            sql.Append($"SELECT {columns} FROM audit_record_resources f JOIN audit_records r ON r.chain_id = f.chain_id AND r.seq = f.seq");
            conditions.Add("f.resource_id = $resource");
            command.Parameters.AddWithValue("$resource", resource);
            order = "f";
        }
        else
        {
            var index = query.Actor is null ? "ix_audit_records_time" : "ix_audit_records_actor";
            sql.Append($"SELECT {columns} FROM audit_records r INDEXED BY {index}");
            order = "r";
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
            conditions.Add($"{order}.time >= $from");
            command.Parameters.AddWithValue("$from", AuditCanonical.Microseconds(from));
        }

        if (query.To is { } to)
        {
            conditions.Add($"{order}.time < $to");
            command.Parameters.AddWithValue("$to", AuditCanonical.Microseconds(to));
        }

        if (after is { } position)
        {
            conditions.Add($"({order}.time, {order}.chain_id, {order}.seq) < ($afterTime, $afterChain, $afterSeq)");
            command.Parameters.AddWithValue("$afterTime", AuditCanonical.Microseconds(position.Time));
            command.Parameters.AddWithValue("$afterChain", position.ChainId);
            command.Parameters.AddWithValue("$afterSeq", position.Sequence);
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", conditions));
        }

        sql.Append($" ORDER BY {order}.time DESC, {order}.chain_id DESC, {order}.seq DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit + 1);
        command.CommandText = sql.ToString();

        var records = new List<AuditRecord>(limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(SqliteAuditRows.Read(reader));
        }

        var more = records.Count > limit;
        if (more)
        {
            records.RemoveAt(records.Count - 1);
        }

        return new AuditPage(records, more ? AuditPageToken.Encode(records[^1].Position) : null);
    }
}
