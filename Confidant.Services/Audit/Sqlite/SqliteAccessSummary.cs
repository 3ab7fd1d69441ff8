using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The access summary in SQLite: one row per (resource, principal, revision) with count, first and last time, kept
/// in the same transaction as the records it counts, so it is always exact.
/// </summary>
internal static class SqliteAccessSummary
{
    private static readonly string[] CountParameters = ["$type", "$id", "$actorType", "$actor", "$account", "$revision", "$count", "$first", "$last"];
    private static readonly string[] KeyParameters = ["$type", "$id", "$actorType", "$actor", "$account"];

    public static async Task AddAsync(SqliteTransaction transaction, IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        var deliveries = block.Where(record => AuditAccessKey.Counts(record.Entry))
            .SelectMany(record => AuditAccessKey.Of(record.Entry).Select(d => (d.Key, d.Revision, Time: AuditCanonical.Microseconds(record.Time))))
            .GroupBy(d => (d.Key, d.Revision))
            .ToList();
        if (deliveries.Count == 0)
        {
            return;
        }

        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_access (resource_type, resource_id, actor_type, actor_name, account, revision, count, first, last)
            VALUES ($type, $id, $actorType, $actor, $account, $revision, $count, $first, $last)
            ON CONFLICT (resource_type, resource_id, actor_type, actor_name, account, revision) DO UPDATE SET
                count = count + excluded.count, first = min(first, excluded.first), last = max(last, excluded.last)
            """;
        var parameters = CountParameters
            .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        foreach (var group in deliveries)
        {
            var (key, revision) = group.Key;
            object[] values =
            [
                key.ResourceType, key.ResourceId, key.ActorType, key.ActorName, key.Account ?? string.Empty, revision,
                group.LongCount(), group.Min(d => d.Time), group.Max(d => d.Time),
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task<IReadOnlySet<AuditAccessKey>> FindAsync(
        SqliteConnection connection,
        IReadOnlyCollection<AuditAccessKey> keys,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 1 FROM audit_access
            WHERE resource_type = $type AND resource_id = $id AND actor_type = $actorType AND actor_name = $actor AND account = $account
            LIMIT 1
            """;
        var parameters = KeyParameters
            .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        var found = new HashSet<AuditAccessKey>();
        foreach (var key in keys)
        {
            object[] values = [key.ResourceType, key.ResourceId, key.ActorType, key.ActorName, key.Account ?? string.Empty];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
            }

            if (await command.ExecuteScalarAsync(cancellationToken) is not null)
            {
                found.Add(key);
            }
        }

        return found;
    }

    public static async Task<IReadOnlyList<AuditAccess>> ReadAsync(
        SqliteConnection connection,
        string resourceType,
        string resourceId,
        DateTimeOffset? since,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT actor_type, actor_name, account, revision, count, first, last FROM audit_access
            WHERE resource_type = $type AND resource_id = $id AND ($since IS NULL OR last >= $since)
            """;
        command.Parameters.AddWithValue("$type", resourceType);
        command.Parameters.AddWithValue("$id", resourceId);
        command.Parameters.AddWithValue("$since", since is { } from ? AuditCanonical.Microseconds(from) : DBNull.Value);
        var rows = new List<AccessRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AccessRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2) is { Length: > 0 } account ? account : null,
                checked((int)reader.GetInt64(3)),
                reader.GetInt64(4),
                AuditCanonical.FromMicroseconds(reader.GetInt64(5)),
                AuditCanonical.FromMicroseconds(reader.GetInt64(6))));
        }

        return AccessRow.Summarize(rows);
    }
}
