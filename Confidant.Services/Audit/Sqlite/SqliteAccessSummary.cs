using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The access summary in SQLite, counted per delivered list (<see cref="AuditItemSets"/>) and principal, as on
/// DynamoDB: a workload's poll of its service adds to one counter, not one per credential, and the resources of each
/// list are written once (<c>audit_set_resources</c>, with the revision of each). Kept in the same transaction as the
/// records it counts, so it is always exact. An instance holds the appender's prepared statements; it is used by one
/// appender at a time.
/// </summary>
internal sealed class SqliteAccessSummary : IAsyncDisposable
{
    private const int KnownSets = 100_000;

    private readonly SqliteCommand _member;
    private readonly SqliteParameter[] _memberParameters;
    private readonly SqliteCommand _count;
    private readonly SqliteParameter[] _countParameters;

    // Lists whose resources are stored; those written by a transaction count only once it is committed.
    private readonly HashSet<string> _storedSets = new(StringComparer.Ordinal);
    private readonly List<string> _newSets = [];
    private readonly Dictionary<(string SetId, string ActorType, string ActorName, string Account), (long Count, long First, long Last)> _counts = [];

    public SqliteAccessSummary(SqliteConnection connection)
    {
        (_member, _memberParameters) = Prepare(
            connection,
            "INSERT OR IGNORE INTO audit_set_resources (resource_id, resource_type, set_id, revision) VALUES ($id, $type, $set, $revision)",
            "$id", "$type", "$set", "$revision");
        (_count, _countParameters) = Prepare(
            connection,
            """
            INSERT INTO audit_set_access (set_id, actor_type, actor_name, account, count, first, last)
            VALUES ($set, $actorType, $actor, $account, $count, $first, $last)
            ON CONFLICT (set_id, actor_type, actor_name, account) DO UPDATE SET
                count = count + excluded.count, first = min(first, excluded.first), last = max(last, excluded.last)
            """,
            "$set", "$actorType", "$actor", "$account", "$count", "$first", "$last");
    }

    /// <summary>
    /// Counts a block's deliveries in <paramref name="transaction"/>, or in the transaction the connection's owner began
    /// by statement when null; call <see cref="Committed"/> once it commits.
    /// </summary>
    public async Task AddAsync(SqliteTransaction? transaction, IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        _newSets.Clear();
        _counts.Clear();
        _member.Transaction = transaction;
        _count.Transaction = transaction;
        foreach (var record in block)
        {
            var entry = record.Entry;
            if (!AuditAccessKey.Counts(entry))
            {
                continue;
            }

            var items = entry.Delivered();
            var setId = AuditItemSets.IdOf(items);
            if (!_storedSets.Contains(setId) && !_newSets.Contains(setId))
            {
                await AddMembersAsync(setId, items, cancellationToken);
                _newSets.Add(setId);
            }

            var key = (setId, entry.Actor.Type, entry.Actor.Name, entry.Actor.Account ?? string.Empty);
            var time = AuditCanonical.Microseconds(record.Time);
            _counts[key] = _counts.TryGetValue(key, out var counted)
                ? (counted.Count + 1, Math.Min(counted.First, time), Math.Max(counted.Last, time))
                : (1, time, time);
        }

        foreach (var ((setId, actorType, actorName, account), (count, first, last)) in _counts)
        {
            Bind(_countParameters, setId, actorType, actorName, account, count, first, last);
            await _count.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The block's transaction committed: its lists are stored.</summary>
    public void Committed()
    {
        if (_storedSets.Count + _newSets.Count > KnownSets)
        {
            _storedSets.Clear();
        }

        _storedSets.UnionWith(_newSets);
        _newSets.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _member.DisposeAsync();
        await _count.DisposeAsync();
    }

    /// <summary>Which of <paramref name="keys"/> were delivered before: some list holding the resource reached the principal.</summary>
    public static async Task<IReadOnlySet<AuditAccessKey>> FindAsync(
        SqliteConnection connection,
        IReadOnlyCollection<AuditAccessKey> keys,
        CancellationToken cancellationToken)
    {
        var (command, parameters) = Prepare(
            connection,
            """
            SELECT 1 FROM audit_set_resources s JOIN audit_set_access a ON a.set_id = s.set_id
            WHERE s.resource_id = $id AND s.resource_type = $type AND a.actor_type = $actorType AND a.actor_name = $actor AND a.account = $account
            LIMIT 1
            """,
            "$id", "$type", "$actorType", "$actor", "$account");
        await using (command)
        {
            var found = new HashSet<AuditAccessKey>();
            foreach (var key in keys)
            {
                Bind(parameters, key.ResourceId, key.ResourceType, key.ActorType, key.ActorName, key.Account ?? string.Empty);
                if (await command.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    found.Add(key);
                }
            }

            return found;
        }
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
            SELECT a.actor_type, a.actor_name, a.account, s.revision, a.count, a.first, a.last
            FROM audit_set_resources s JOIN audit_set_access a ON a.set_id = s.set_id
            WHERE s.resource_id = $id AND s.resource_type = $type AND ($since IS NULL OR a.last >= $since)
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

    private async Task AddMembersAsync(string setId, IReadOnlyList<AuditItem> items, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            Bind(_memberParameters, item.Id, item.ResourceType, setId, item.Revision ?? 0);
            await _member.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static (SqliteCommand Command, SqliteParameter[] Parameters) Prepare(SqliteConnection connection, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameters = names.Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        return (command, parameters);
    }

    private static void Bind(SqliteParameter[] parameters, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i];
        }
    }
}
