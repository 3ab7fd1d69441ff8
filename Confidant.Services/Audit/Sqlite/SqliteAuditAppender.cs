using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The connection blocks are appended on, with its statements prepared once, the transaction's own included. A block
/// is one <c>BEGIN IMMEDIATE</c> transaction: the link check, the block row (and any item list new to it) and the
/// access summary, committed together: a handful of pages, whatever the number of records. The link check reads the
/// stored block before the new one, except when that block is the one this connection committed last: the stored
/// record is then known, and a block another writer put in its place since is refused by the key.
/// The connection is its own (not pooled), so its settings stay with it: <c>synchronous = NORMAL</c>, with which a
/// committed block is in the write-ahead log, in the operating system's hands, before the commit returns, and so
/// survives a kill of the process (docs/decisions/0012-audit-chain.md); and no automatic checkpoint, so that copying
/// the log into the database never holds an append up (<see cref="SqliteWalCheckpointer"/> does it beside).
/// Used by one append at a time; after a failure it is discarded.
/// </summary>
internal sealed class SqliteAuditAppender : IAsyncDisposable
{
    private const int PrimaryKeyViolation = 1555;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _link;
    private readonly SqliteParameter _linkChain;
    private readonly SqliteParameter _linkSequence;
    private readonly SqliteAuditBlocks.Writer _blocks;
    private readonly SqliteAccessSummary _access;

    // The last record of the block this connection committed last.
    private AuditRecord? _committed;

    private SqliteAuditAppender(SqliteConnection connection, SqliteAuditBlocks blocks)
    {
        _connection = connection;
        _begin = Statement(connection, "BEGIN IMMEDIATE");
        _commit = Statement(connection, "COMMIT");
        _rollback = Statement(connection, "ROLLBACK");
        _link = connection.CreateCommand();
        _link.CommandText = """
            SELECT last_seq, last_hash FROM audit_blocks WHERE chain_id = $chain AND first_seq <= $seq ORDER BY first_seq DESC LIMIT 1
            """;
        _linkChain = _link.Parameters.Add(new SqliteParameter { ParameterName = "$chain" });
        _linkSequence = _link.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
        _blocks = blocks.CreateWriter(connection);
        _access = new SqliteAccessSummary(connection);
    }

    public static async Task<SqliteAuditAppender> OpenAsync(string databasePath, TimeSpan busyTimeout, SqliteAuditBlocks blocks, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder(SqliteConnections.ConnectionString(databasePath, busyTimeout)) { Pooling = false }.ToString();
        var connection = await SqliteConnections.OpenAsync(connectionString, busyTimeout, cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new SqliteAuditAppender(connection, blocks);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: the link check below cannot go stale before the commit. The statements run outside
        // Microsoft.Data.Sqlite's transaction object, which prepares BEGIN and COMMIT afresh on every block.
        await _begin.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            await RequireLinkAsync(block[0], cancellationToken);
            await _blocks.WriteAsync(null, block, cancellationToken);
            await _access.AddAsync(null, block, cancellationToken);
            await _commit.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception error)
        {
            await RollbackAsync();
            if (error is SqliteException { SqliteExtendedErrorCode: PrimaryKeyViolation })
            {
                throw new AuditConflictException($"Chain {block[0].ChainId} already holds sequence {block[0].Sequence} or a later one of this block.");
            }

            throw;
        }

        _committed = block[^1];
        _blocks.Committed();
        _access.Committed();
    }

    public async ValueTask DisposeAsync()
    {
        await _begin.DisposeAsync();
        await _commit.DisposeAsync();
        await _rollback.DisposeAsync();
        await _link.DisposeAsync();
        await _blocks.DisposeAsync();
        await _access.DisposeAsync();
        await _connection.DisposeAsync();
    }

    // A block must continue its chain: the stored block before it ends at the record before its first one, and that
    // record's hash is the first one's previous hash. (The key, chain and first sequence, refuses a second block at a place.)
    private async Task RequireLinkAsync(AuditRecord first, CancellationToken cancellationToken)
    {
        if (first.Sequence == 1 || Follows(_committed, first))
        {
            return;
        }

        _linkChain.Value = first.ChainId;
        _linkSequence.Value = first.Sequence - 1;
        await using var reader = await _link.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) != first.Sequence - 1
            || !string.Equals(Convert.ToHexStringLower((byte[])reader.GetValue(1)), first.PreviousHash, StringComparison.Ordinal))
        {
            throw new AuditConflictException($"Sequence {first.Sequence} of chain {first.ChainId} does not follow the stored head.");
        }
    }

    private static bool Follows(AuditRecord? previous, AuditRecord first) =>
        previous is not null && previous.Sequence == first.Sequence - 1
        && string.Equals(previous.ChainId, first.ChainId, StringComparison.Ordinal)
        && string.Equals(previous.Hash, first.PreviousHash, StringComparison.Ordinal);

    private static SqliteCommand Statement(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    // The connection is discarded after a failure all the same; rolling back at once releases the write lock now.
    private async Task RollbackAsync()
    {
        try
        {
            await _rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (SqliteException)
        {
            // No transaction was open (BEGIN failed, or SQLite already rolled it back).
        }
    }
}
