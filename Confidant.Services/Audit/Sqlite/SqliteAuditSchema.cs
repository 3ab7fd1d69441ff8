using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The audit tables in the SQLite file of the embedded defaults (docs/decisions/0012-audit-chain.md): one row per
/// record keyed by (chain, sequence), a resource index covering each record's resource and items, checkpoints,
/// chains and the access summary. Times are microseconds since 1970 UTC; hashes and MACs raw bytes. The table
/// <c>audit_events</c> of earlier versions (records without a chain) is left as it was.
/// </summary>
internal static class SqliteAuditSchema
{
    public const string RecordColumns =
        "chain_id, seq, time, action, outcome, resource_type, resource_id, revision, items, via, detail, actor_name, actor_type, "
        + "actor_subject, actor_email, actor_account, auth_method, channel, route, address, user_agent, request_id, flags, witnesses, "
        + "previous_hash, hash";

    public static async Task EnsureCreatedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
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
                flags TEXT, witnesses TEXT, previous_hash BLOB NOT NULL, hash BLOB NOT NULL,
                PRIMARY KEY (chain_id, seq)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_audit_records_time ON audit_records (time, chain_id, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_records_actor ON audit_records (actor_name, time, chain_id, seq);
            CREATE TABLE IF NOT EXISTS audit_record_resources (
                resource_id TEXT NOT NULL, time INTEGER NOT NULL, chain_id TEXT NOT NULL, seq INTEGER NOT NULL,
                PRIMARY KEY (resource_id, time, chain_id, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                chain_id TEXT NOT NULL, idx INTEGER NOT NULL, seq INTEGER NOT NULL, head_hash BLOB NOT NULL, time INTEGER NOT NULL,
                final INTEGER NOT NULL, witnesses TEXT, previous_mac BLOB NOT NULL, key_id TEXT NOT NULL, mac BLOB NOT NULL,
                PRIMARY KEY (chain_id, idx)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audit_access (
                resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, actor_type TEXT NOT NULL, actor_name TEXT NOT NULL,
                account TEXT NOT NULL, revision INTEGER NOT NULL, count INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                PRIMARY KEY (resource_type, resource_id, actor_type, actor_name, account, revision)
            ) WITHOUT ROWID;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
