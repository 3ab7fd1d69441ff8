using Confidant.Services.Audit;
using Confidant.Services.Audit.Sqlite;
using Confidant.Services.Storage;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Support.Audit;

/// <summary>A SQLite file in a temp directory; tampering is plain SQL on the file.</summary>
public sealed class SqliteAuditBacking : AuditBacking
{
    private readonly TempDirectory _directory = new();

    public string DatabasePath => _directory.File("confidant.db");

    public override Task CreateAsync() => Task.CompletedTask;

    public override IAuditStore Open() => new SqliteAuditStore(DatabasePath, new StorageOptions().CallTimeout);

    public override Task ChangeActorAsync(string chainId, long sequence, string actor) =>
        ExecuteAsync("UPDATE audit_records SET actor_name = $value WHERE chain_id = $chain AND seq = $seq", chainId, sequence, actor);

    public override async Task DeleteRecordsAsync(string chainId, Func<long, bool> sequences)
    {
        foreach (var sequence in (await SequencesAsync(chainId)).Where(sequences))
        {
            await ExecuteAsync("DELETE FROM audit_records WHERE chain_id = $chain AND seq = $seq", chainId, sequence);
        }
    }

    public override async Task SwapWithNextAsync(string chainId, long sequence)
    {
        await ExecuteAsync("UPDATE audit_records SET seq = -1 WHERE chain_id = $chain AND seq = $seq", chainId, sequence);
        await ExecuteAsync("UPDATE audit_records SET seq = $seq WHERE chain_id = $chain AND seq = $seq + 1", chainId, sequence);
        await ExecuteAsync("UPDATE audit_records SET seq = $seq + 1 WHERE chain_id = $chain AND seq = -1", chainId, sequence);
    }

    public override async Task InsertAsync(string chainId, long afterSequence, AuditRecord forged)
    {
        // Make room: every later record moves one place on (through negative numbers, as the key is unique).
        await ExecuteAsync("UPDATE audit_records SET seq = -seq WHERE chain_id = $chain AND seq > $seq", chainId, afterSequence);
        await ExecuteAsync("UPDATE audit_records SET seq = 1 - seq WHERE chain_id = $chain AND seq < 0", chainId, afterSequence);
        await InsertRowsAsync([forged]);
    }

    public override async Task ReplaceChainAsync(string chainId, IReadOnlyList<AuditRecord> records)
    {
        await ExecuteAsync("DELETE FROM audit_records WHERE chain_id = $chain AND seq > $seq", chainId, 0);
        await InsertRowsAsync(records);
    }

    public override Task DeleteCheckpointAsync(string chainId, long index) =>
        ExecuteAsync("DELETE FROM audit_checkpoints WHERE chain_id = $chain AND idx = $seq", chainId, index);

    public override Task ReopenChainAsync(string chainId) =>
        ExecuteAsync("UPDATE audit_chains SET closed_at = NULL WHERE chain_id = $chain AND $seq = 0", chainId, 0);

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<List<long>> SequencesAsync(string chainId)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM audit_records WHERE chain_id = $chain ORDER BY seq";
        command.Parameters.AddWithValue("$chain", chainId);
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    private async Task ExecuteAsync(string sql, string chainId, long sequence, string? value = null)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$chain", chainId);
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$value", (object?)value ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    // The row layout is documented (docs/decisions/0012-audit-chain.md); the store's own row writer saves retyping it.
    private async Task InsertRowsAsync(IReadOnlyList<AuditRecord> records)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteAuditRows.InsertSql;
        var parameters = SqliteAuditRows.AddParameters(command);
        foreach (var record in records)
        {
            SqliteAuditRows.Bind(parameters, record);
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
