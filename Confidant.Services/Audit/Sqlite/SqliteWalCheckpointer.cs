using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// Copies the write-ahead log into the database file beside the appends, on a connection of its own, after every
/// <see cref="AppendsPerCheckpoint"/> appends. SQLite's automatic checkpoint would run inside the append that crosses
/// its threshold, with two file syncs, and hold every waiting delivery up meanwhile. A passive checkpoint first copies
/// what it can while appends go on; a restarting one then copies the few blocks appended meanwhile and lets the next
/// append write the log from its start, so that the log does not grow without bound under continuous load. The second
/// one runs between two appends (it takes <paramref name="appendGate"/>, so it never waits on an append in flight), holds
/// the next one up for about one file sync, and waits for readers (a long query, <c>audit verify</c>) no longer than
/// <see cref="RestartWait"/>: when they are still reading it gives up, and the next round tries again. Appends wait for
/// a checkpoint that has fallen two rounds behind (<see cref="AppendedAsync"/>).
/// </summary>
internal sealed class SqliteWalCheckpointer(string connectionString, SemaphoreSlim appendGate) : IAsyncDisposable
{
    public const int AppendsPerCheckpoint = 1000;

    // Appends made since a checkpoint started that is still running, after which the next append waits for it: a
    // checkpoint kept from running (a busy machine) must not let the log grow without bound.
    private const int AppendsBeforeWaiting = 2 * AppendsPerCheckpoint;

    private static readonly TimeSpan RestartWait = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private int _appends;
    private Task _running = Task.CompletedTask;

    /// <summary>
    /// Counts an append; starts a checkpoint when enough have been made and none is running. Completes at once, unless
    /// <see cref="AppendsBeforeWaiting"/> appends were made since the running checkpoint started: then when it ends, so
    /// that the log holds at most three rounds of appends whatever the checkpoint's delay.
    /// </summary>
    public Task AppendedAsync()
    {
        lock (_gate)
        {
            ++_appends;
            if (!_running.IsCompleted)
            {
                // Its failures are its own (the next round tries again): the append only waits for it to end.
                return _appends < AppendsBeforeWaiting
                    ? Task.CompletedTask
                    : _running.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            if (_appends >= AppendsPerCheckpoint)
            {
                _appends = 0;
                _running = Task.Run(CheckpointAsync);
            }

            return Task.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            running = _running;
        }

#pragma warning disable VSTHRD003 // Started by this instance; it ends on its own.
        await running;
#pragma warning restore VSTHRD003
    }

    private async Task CheckpointAsync()
    {
        try
        {
            await using var connection = await SqliteConnections.OpenAsync(connectionString, RestartWait, CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await command.ExecuteNonQueryAsync();
            await appendGate.WaitAsync();
            try
            {
                command.CommandText = "PRAGMA wal_checkpoint(RESTART);";
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                appendGate.Release();
            }
        }
        catch (SqliteException)
        {
            // Busy (another checkpoint, a long reader): the log is copied on the next round, or when the file closes.
        }
    }
}
