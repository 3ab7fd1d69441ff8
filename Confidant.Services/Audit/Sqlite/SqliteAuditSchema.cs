using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The audit tables in the SQLite file of the embedded defaults (docs/decisions/0012-audit-chain.md): one row per
/// block of records (<see cref="AuditBlock"/>) keyed by chain and first sequence, the item lists blocks name by
/// digest, chains and checkpoints; and, derived from the records, the resources of each delivered list and the access
/// summary per list and principal. Times are microseconds since 1970 UTC; hashes and MACs raw bytes. The table
/// <c>audit_events</c> of earlier versions (records without a chain) is left as it was; a file that kept one row per
/// record is brought to this layout once (<see cref="SqliteAuditUpgrade"/>).
/// </summary>
internal static class SqliteAuditSchema
{
    public static async Task EnsureCreatedAsync(SqliteConnection connection, SqliteAuditBlocks blocks, CancellationToken cancellationToken)
    {
        await using (var wal = connection.CreateCommand())
        {
            // WAL: readers (queries, verify) never block the appender; the mode is stored in the file.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS audit_chains (
                    chain_id TEXT NOT NULL PRIMARY KEY, opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL, closed_at INTEGER
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_blocks (
                    chain_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, last_time INTEGER NOT NULL,
                    last_hash BLOB NOT NULL, size INTEGER NOT NULL, records BLOB NOT NULL,
                    PRIMARY KEY (chain_id, first_seq)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_item_sets (set_id TEXT NOT NULL PRIMARY KEY, items BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_checkpoints (
                    chain_id TEXT NOT NULL, idx INTEGER NOT NULL, seq INTEGER NOT NULL, head_hash BLOB NOT NULL, time INTEGER NOT NULL,
                    final INTEGER NOT NULL, witnesses TEXT, previous_mac BLOB NOT NULL, key_id TEXT NOT NULL, mac BLOB NOT NULL,
                    PRIMARY KEY (chain_id, idx)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_set_resources (
                    resource_id TEXT NOT NULL, resource_type TEXT NOT NULL, set_id TEXT NOT NULL, revision INTEGER NOT NULL,
                    PRIMARY KEY (resource_id, resource_type, set_id, revision)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS audit_set_access (
                    set_id TEXT NOT NULL, actor_type TEXT NOT NULL, actor_name TEXT NOT NULL, account TEXT NOT NULL,
                    count INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                    PRIMARY KEY (set_id, actor_type, actor_name, account)
                ) WITHOUT ROWID;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await SqliteAuditUpgrade.IsNeededAsync(transaction, cancellationToken))
        {
            await SqliteAuditUpgrade.RunAsync(transaction, blocks, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
