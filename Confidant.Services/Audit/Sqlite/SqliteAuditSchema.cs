using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The audit tables in the SQLite file of the embedded defaults (docs/decisions/0012-audit-chain.md): one row per
/// record keyed by (chain, sequence) with indexes on time, actor, resource and delivered list, the resources of each
/// delivered list, the access summary per list and principal, checkpoints and chains. Times are microseconds since
/// 1970 UTC; hashes and MACs raw bytes. The table <c>audit_events</c> of earlier versions (records without a chain)
/// is left as it was; a file whose records were indexed one row per delivered resource is brought to this layout once
/// (<see cref="SqliteAuditUpgrade"/>).
/// </summary>
internal static class SqliteAuditSchema
{
    public const string RecordColumns =
        "chain_id, seq, time, action, outcome, resource_type, resource_id, revision, items, via, detail, actor_name, actor_type, "
        + "actor_subject, actor_email, actor_account, auth_method, channel, route, address, user_agent, request_id, flags, witnesses, "
        + "previous_hash, hash";

    /// <summary>Derived from the items, for the resource index only: never read back into a record.</summary>
    public const string ItemsSetColumn = "items_set";

    public static async Task EnsureCreatedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            // WAL: readers (queries, verify) never block the appender; the mode is stored in the file.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS audit_chains (
                    chain_id TEXT NOT NULL PRIMARY KEY, opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL, closed_at INTEGER
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_records (
                    chain_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,
                    action TEXT NOT NULL, outcome TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, revision INTEGER,
                    items TEXT, via TEXT, detail TEXT,
                    actor_name TEXT NOT NULL, actor_type TEXT NOT NULL, actor_subject TEXT, actor_email TEXT, actor_account TEXT,
                    auth_method TEXT NOT NULL, channel TEXT NOT NULL, route TEXT NOT NULL, address TEXT, user_agent TEXT, request_id TEXT,
                    flags TEXT, witnesses TEXT, previous_hash BLOB NOT NULL, hash BLOB NOT NULL, items_set TEXT,
                    PRIMARY KEY (chain_id, seq)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_checkpoints (
                    chain_id TEXT NOT NULL, idx INTEGER NOT NULL, seq INTEGER NOT NULL, head_hash BLOB NOT NULL, time INTEGER NOT NULL,
                    final INTEGER NOT NULL, witnesses TEXT, previous_mac BLOB NOT NULL, key_id TEXT NOT NULL, mac BLOB NOT NULL,
                    PRIMARY KEY (chain_id, idx)
                ) WITHOUT ROWID;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        var upgrade = !await HasItemsSetColumnAsync(transaction, cancellationToken);
        if (upgrade)
        {
            await ExecuteAsync(transaction, $"ALTER TABLE audit_records ADD COLUMN {ItemsSetColumn} TEXT;", cancellationToken);
        }

        // The resource index: a record is found by its own resource, and by the lists naming the resources it delivered.
        await ExecuteAsync(transaction, $"""
            CREATE INDEX IF NOT EXISTS ix_audit_records_time ON audit_records (time, chain_id, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_records_actor ON audit_records (actor_name, time, chain_id, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_records_resource ON audit_records (resource_id, time, chain_id, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_records_items ON audit_records ({ItemsSetColumn}, time, chain_id, seq)
                WHERE {ItemsSetColumn} IS NOT NULL;
            CREATE TABLE IF NOT EXISTS audit_item_sets (
                resource_id TEXT NOT NULL, resource_type TEXT NOT NULL, set_id TEXT NOT NULL, revision INTEGER NOT NULL,
                PRIMARY KEY (resource_id, resource_type, set_id, revision)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audit_set_access (
                set_id TEXT NOT NULL, actor_type TEXT NOT NULL, actor_name TEXT NOT NULL, account TEXT NOT NULL,
                count INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                PRIMARY KEY (set_id, actor_type, actor_name, account)
            ) WITHOUT ROWID;
            """, cancellationToken);
        if (upgrade)
        {
            await SqliteAuditUpgrade.RunAsync(transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<bool> HasItemsSetColumnAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*) FROM pragma_table_info('audit_records') WHERE name = '{ItemsSetColumn}'";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    private static async Task ExecuteAsync(SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
