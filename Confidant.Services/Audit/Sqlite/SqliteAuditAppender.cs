using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The connection blocks are appended on, with its statements prepared once. A block is one <c>BEGIN IMMEDIATE</c>
/// transaction: the link check, the records (their indexes with them) and the access summary, committed together.
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
    private readonly SqliteCommand _link;
    private readonly SqliteParameter _linkChain;
    private readonly SqliteParameter _linkSequence;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _insertParameters;
    private readonly SqliteAccessSummary _access;

    private SqliteAuditAppender(SqliteConnection connection)
    {
        _connection = connection;
        _link = connection.CreateCommand();
        _link.CommandText = "SELECT hash FROM audit_records WHERE chain_id = $chain AND seq = $seq";
        _linkChain = _link.Parameters.Add(new SqliteParameter { ParameterName = "$chain" });
        _linkSequence = _link.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
        _insert = connection.CreateCommand();
        _insert.CommandText = SqliteAuditRows.InsertSql;
        _insertParameters = SqliteAuditRows.AddParameters(_insert);
        _access = new SqliteAccessSummary(connection);
    }

    public static async Task<SqliteAuditAppender> OpenAsync(string databasePath, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder(SqliteConnections.ConnectionString(databasePath, busyTimeout)) { Pooling = false }.ToString();
        var connection = await SqliteConnections.OpenAsync(connectionString, busyTimeout, cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new SqliteAuditAppender(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: the link check below cannot go stale before the commit.
        await using var transaction = _connection.BeginTransaction(deferred: false);
        try
        {
            await RequireLinkAsync(transaction, block[0], cancellationToken);
            _insert.Transaction = transaction;
            foreach (var record in block)
            {
                SqliteAuditRows.Bind(_insertParameters, record);
                await _insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await _access.AddAsync(transaction, block, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _access.Committed();
        }
        catch (SqliteException error) when (error.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            throw new AuditConflictException($"Chain {block[0].ChainId} already holds sequence {block[0].Sequence} or a later one of this block.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync();
        await _insert.DisposeAsync();
        await _access.DisposeAsync();
        await _connection.DisposeAsync();
    }

    // A block must continue its chain: its first record's previous hash is the stored hash of the record before it.
    private async Task RequireLinkAsync(SqliteTransaction transaction, AuditRecord first, CancellationToken cancellationToken)
    {
        if (first.Sequence == 1)
        {
            return;
        }

        _link.Transaction = transaction;
        _linkChain.Value = first.ChainId;
        _linkSequence.Value = first.Sequence - 1;
        if (await _link.ExecuteScalarAsync(cancellationToken) is not byte[] previous
            || !string.Equals(Convert.ToHexStringLower(previous), first.PreviousHash, StringComparison.Ordinal))
        {
            throw new AuditConflictException($"Sequence {first.Sequence} of chain {first.ChainId} does not follow the stored head.");
        }
    }
}
