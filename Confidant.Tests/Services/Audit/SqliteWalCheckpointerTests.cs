using Confidant.Services.Audit.Sqlite;
using Confidant.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Services.Audit;

public sealed class SqliteWalCheckpointerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task AppendedAsync_CheckpointTwoRoundsBehind_TheNextAppendWaitsForItAsync()
    {
        var path = _directory.File("audit.db");
        await using (var create = new SqliteConnection($"Data Source={path}"))
        {
            await create.OpenAsync();
            await using var wal = create.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync();
        }

        // The append gate held, as by an append in flight: the checkpoint that starts cannot restart the log.
        using var appendGate = new SemaphoreSlim(1, 1);
        await appendGate.WaitAsync();
        await using var checkpointer = new SqliteWalCheckpointer($"Data Source={path}", appendGate);
        var early = new List<Task>();
        for (var i = 0; i < SqliteWalCheckpointer.AppendsPerCheckpoint + (2 * SqliteWalCheckpointer.AppendsPerCheckpoint) - 1; i++)
        {
            early.Add(checkpointer.AppendedAsync());
        }

        var waiting = checkpointer.AppendedAsync();
        await Task.Delay(200);

        Assert.All(early, task => Assert.True(task.IsCompletedSuccessfully));
        Assert.False(waiting.IsCompleted, "an append two rounds past a running checkpoint did not wait for it");
        appendGate.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(checkpointer.AppendedAsync().IsCompletedSuccessfully);
    }
}
