using Confidant.Services.Audit;
using Confidant.Services.Audit.Sqlite;
using Confidant.Services.Storage;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Support.Audit;

/// <summary>
/// A SQLite file (in a temp directory, or one given); tampering is plain SQL on the file: a chain's blocks are read,
/// decoded (the format is documented), changed and written back as one block, as on DynamoDB.
/// </summary>
public sealed class SqliteAuditBacking : AuditBacking
{
    private readonly TempDirectory? _directory;

    public SqliteAuditBacking()
    {
        _directory = new TempDirectory();
        DatabasePath = _directory.File("confidant.db");
    }

    /// <summary>The audit tables of an existing file (an app's), which stays where it is.</summary>
    public SqliteAuditBacking(string databasePath) => DatabasePath = databasePath;

    public string DatabasePath { get; }

    public override Task CreateAsync() => Task.CompletedTask;

    public override IAuditStore Open() => new SqliteAuditStore(DatabasePath, new StorageOptions().CallTimeout, TimeProvider.System);

    public override Task DeleteCheckpointAsync(string chainId, long index) =>
        ExecuteAsync("DELETE FROM audit_checkpoints WHERE chain_id = $chain AND idx = $index", chainId, index);

    public override Task ReopenChainAsync(string chainId) =>
        ExecuteAsync("UPDATE audit_chains SET closed_at = NULL WHERE chain_id = $chain AND $index = 0", chainId, 0);

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory?.Dispose();
        return ValueTask.CompletedTask;
    }

    // The store's own block codec, for reading and writing blocks around the store.
    protected override async Task RewriteAsync(string chainId, Action<List<AuditRecord>> change)
    {
        var blocks = new SqliteAuditBlocks(TimeProvider.System);
        await using var connection = await OpenAsync();
        var records = new List<AuditRecord>();
        await foreach (var record in blocks.ReadForwardAsync(connection, chainId, 0, default))
        {
            records.Add(record);
        }

        change(records);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM audit_blocks WHERE chain_id = $chain";
            delete.Parameters.AddWithValue("$chain", chainId);
            await delete.ExecuteNonQueryAsync();
        }

        if (records.Count > 0)
        {
            await using var writer = blocks.CreateWriter(connection);
            await writer.WriteAsync(transaction, records, default);
        }

        await transaction.CommitAsync();
    }

    private async Task ExecuteAsync(string sql, string chainId, long index)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$chain", chainId);
        command.Parameters.AddWithValue("$index", index);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
