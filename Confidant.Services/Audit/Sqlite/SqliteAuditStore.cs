using System.Globalization;
using System.Runtime.CompilerServices;
using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The audit trail in the SQLite file of the embedded defaults, kept as DynamoDB keeps it: one row per block of
/// records (<see cref="SqliteAuditBlocks"/>). A block is one <c>BEGIN IMMEDIATE</c> transaction on the appender's own
/// connection (<see cref="SqliteAuditAppender"/>: the block and the access summary together, committed to the
/// write-ahead log), so a block is stored whole or not at all, and survives a process kill once committed. Queries
/// merge the chains newest first over their blocks (<see cref="AuditBlockQuery"/>).
/// </summary>
internal sealed class SqliteAuditStore : IAuditStore, IAsyncDisposable
{
    private const int PrimaryKeyViolation = 1555;

    private readonly string _databasePath;
    private readonly TimeSpan _busyTimeout;
    private readonly string _connectionString;
    private readonly SqliteWalCheckpointer _checkpointer;
    private readonly SqliteAuditBlocks _blocks;
    private readonly AuditBlockQuery _query;
    private readonly SemaphoreSlim _appendGate = new(1, 1);
    private SqliteAuditAppender? _appender;

    public SqliteAuditStore(string databasePath, TimeSpan busyTimeout, TimeProvider time)
    {
        _databasePath = databasePath;
        _busyTimeout = busyTimeout;
        _connectionString = SqliteConnections.ConnectionString(databasePath, busyTimeout);
        _checkpointer = new SqliteWalCheckpointer(_connectionString, _appendGate);
        _blocks = new SqliteAuditBlocks(time);
        _query = new AuditBlockQuery(NewestFirstAsync, ListChainsAsync);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_databasePath))!);
        await using var connection = await OpenAsync(cancellationToken);
        await SqliteAuditSchema.EnsureCreatedAsync(connection, _blocks, cancellationToken);
    }

    public Task CreateChainAsync(AuditChain chain, CancellationToken cancellationToken = default) => WriteAsync(
        async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO audit_chains (chain_id, opened_at, opened_by) VALUES ($id, $opened, $by)";
            command.Parameters.AddWithValue("$id", chain.ChainId);
            command.Parameters.AddWithValue("$opened", AuditCanonical.Microseconds(chain.OpenedAt));
            command.Parameters.AddWithValue("$by", chain.OpenedBy);
            await ExecuteConditionalAsync(command, $"Chain {chain.ChainId} exists.", cancellationToken);
        },
        cancellationToken);

    public Task MarkChainClosedAsync(string chainId, DateTimeOffset closedAt, CancellationToken cancellationToken = default) => WriteAsync(
        async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_chains SET closed_at = $closed WHERE chain_id = $id AND closed_at IS NULL";
            command.Parameters.AddWithValue("$id", chainId);
            command.Parameters.AddWithValue("$closed", AuditCanonical.Microseconds(closedAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
        },
        cancellationToken);

    public async Task<IReadOnlyList<AuditChain>> ListChainsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chain_id, opened_at, opened_by, closed_at FROM audit_chains ORDER BY opened_at, chain_id";
        var chains = new List<AuditChain>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chains.Add(new AuditChain(
                reader.GetString(0),
                AuditCanonical.FromMicroseconds(reader.GetInt64(1)),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : AuditCanonical.FromMicroseconds(reader.GetInt64(3))));
        }

        return chains;
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken = default)
    {
        if (block.Count == 0)
        {
            return;
        }

        await _appendGate.WaitAsync(cancellationToken);
        try
        {
            _appender ??= await SqliteAuditAppender.OpenAsync(_databasePath, _busyTimeout, _blocks, cancellationToken);
            await _appender.AppendAsync(block, cancellationToken);
        }
        catch (Exception) when (_appender is not null)
        {
            // A failed or cancelled append may leave the connection mid-statement: start the next one afresh.
            await _appender.DisposeAsync();
            _appender = null;
            throw;
        }
        finally
        {
            _appendGate.Release();
        }

        await _checkpointer.AppendedAsync().WaitAsync(cancellationToken);
    }

    public async Task<AuditRecord?> HeadAsync(string chainId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await _blocks.HeadAsync(connection, chainId, cancellationToken);
    }

    public async IAsyncEnumerable<AuditRecord> ReadChainAsync(
        string chainId,
        long afterSequence = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await foreach (var record in _blocks.ReadForwardAsync(connection, chainId, afterSequence, cancellationToken))
        {
            yield return record;
        }
    }

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) => WriteAsync(
        async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO audit_checkpoints (chain_id, idx, seq, head_hash, time, final, witnesses, previous_mac, key_id, mac)
                VALUES ($chain, $idx, $seq, $head, $time, $final, $witnesses, $previous, $key, $mac)
                """;
            command.Parameters.AddWithValue("$chain", checkpoint.ChainId);
            command.Parameters.AddWithValue("$idx", checkpoint.Index);
            command.Parameters.AddWithValue("$seq", checkpoint.Sequence);
            command.Parameters.AddWithValue("$head", Convert.FromHexString(checkpoint.HeadHash));
            command.Parameters.AddWithValue("$time", AuditCanonical.Microseconds(checkpoint.Time));
            command.Parameters.AddWithValue("$final", checkpoint.Final ? 1 : 0);
            command.Parameters.AddWithValue("$witnesses", (object?)SqliteAuditJson.Witnesses(checkpoint.Witnesses) ?? DBNull.Value);
            command.Parameters.AddWithValue("$previous", Convert.FromHexString(checkpoint.PreviousMac));
            command.Parameters.AddWithValue("$key", checkpoint.KeyId);
            command.Parameters.AddWithValue("$mac", Convert.FromHexString(checkpoint.Mac));
            await ExecuteConditionalAsync(command, $"Checkpoint {checkpoint.Index} of chain {checkpoint.ChainId} exists.", cancellationToken);
        },
        cancellationToken);

    public async Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string chainId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT idx, seq, head_hash, time, final, witnesses, previous_mac, key_id, mac
            FROM audit_checkpoints WHERE chain_id = $chain ORDER BY idx
            """;
        command.Parameters.AddWithValue("$chain", chainId);
        var checkpoints = new List<AuditCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new AuditCheckpoint(
                chainId,
                reader.GetInt64(0),
                reader.GetInt64(1),
                Convert.ToHexStringLower((byte[])reader.GetValue(2)),
                AuditCanonical.FromMicroseconds(reader.GetInt64(3)),
                reader.GetInt64(4) != 0,
                await reader.IsDBNullAsync(5, cancellationToken) ? [] : SqliteAuditJson.ParseWitnesses(reader.GetString(5)),
                Convert.ToHexStringLower((byte[])reader.GetValue(6)),
                reader.GetString(7),
                Convert.ToHexStringLower((byte[])reader.GetValue(8))));
        }

        return checkpoints;
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        _query.RunAsync(query, AuditPageToken.Decode(query.Page), cancellationToken);

    public async Task<IReadOnlySet<AuditAccessKey>> FindDeliveredAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteAccessSummary.FindAsync(connection, keys, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditAccess>> AccessAsync(
        string resourceType,
        string resourceId,
        DateTimeOffset? since = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteAccessSummary.ReadAsync(connection, resourceType, resourceId, since, cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _checkpointer.DisposeAsync();
        if (_appender is not null)
        {
            await _appender.DisposeAsync();
        }

        _appendGate.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SQLite audit store at {_databasePath}");

    private async IAsyncEnumerable<AuditRecord> NewestFirstAsync(
        string chainId,
        DateTimeOffset? before,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await foreach (var record in _blocks.NewestFirstAsync(connection, chainId, before, cancellationToken))
        {
            yield return record;
        }
    }

    private static async Task ExecuteConditionalAsync(SqliteCommand command, string conflict, CancellationToken cancellationToken)
    {
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException error) when (error.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            throw new AuditConflictException(conflict);
        }
    }

    // Every write to the file, appends and bookkeeping alike, takes its turn at the one gate: left to SQLite's busy
    // handler, a checkpoint or a chain's registration would lose the lock to a steady stream of appends and time out.
    private async Task WriteAsync(Func<SqliteConnection, Task> write, CancellationToken cancellationToken)
    {
        await _appendGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await write(connection);
        }
        finally
        {
            _appendGate.Release();
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(_connectionString, _busyTimeout, cancellationToken);
}
