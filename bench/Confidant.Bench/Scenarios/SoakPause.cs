namespace Confidant.Bench.Scenarios;

/// <summary>
/// Holds the soak's workers between two operations while memory is sampled. A sample taken while a page load or a
/// write is in flight counts that operation's objects, megabytes on a heap of about 15; the soak is after what the
/// process keeps. Each worker calls <see cref="CheckpointAsync"/> before each operation; <see cref="WhileIdleAsync"/>
/// asks them all to stop there, runs the sample once every one has, and lets them go on.
/// </summary>
internal sealed class SoakPause(int workers, TimeProvider time)
{
    private readonly Lock _lock = new();
    // Set while a pause is asked for: the workers wait on it, the sampler completes it to let them go.
    private TaskCompletionSource? _resume;
    private TaskCompletionSource? _allIdle;
    private int _idle;

    /// <summary>From each ask to stop to the release, in all (one sampler at a time): the report's rates include it.</summary>
    public TimeSpan Paused { get; private set; }

    /// <summary>A worker between two operations: returns at once, or, while a pause is asked for, when it ends.</summary>
    public Task CheckpointAsync()
    {
        if (Volatile.Read(ref _resume) is null)
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            if (_resume is null)
            {
                return Task.CompletedTask;
            }

            if (++_idle == workers)
            {
                _allIdle!.SetResult();
            }

#pragma warning disable VSTHRD003 // Completed by this instance's sampler, always, once the sample is taken.
            return _resume.Task;
#pragma warning restore VSTHRD003
        }
    }

    /// <summary>
    /// Asks every worker to stop at its next checkpoint, runs <paramref name="sample"/> once all have, then lets them go
    /// on. <paramref name="workerEnded"/> completes when the first worker ends: if that comes first (a worker failed and
    /// will never reach a checkpoint), its failure is thrown instead of waiting for good.
    /// </summary>
    public async Task<T> WhileIdleAsync<T>(Func<T> sample, Task workerEnded)
    {
        var allIdle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _idle = 0;
            _allIdle = allIdle;
            Volatile.Write(ref _resume, resume);
        }

        var asked = time.GetTimestamp();
        try
        {
#pragma warning disable VSTHRD003 // The scenario's workers, which end only when stopped or failed.
            if (await Task.WhenAny(allIdle.Task, workerEnded) != allIdle.Task)
            {
                await workerEnded;
                throw new InvalidOperationException("The soak's workers stopped while a memory sample waited for them.");
            }
#pragma warning restore VSTHRD003

            return sample();
        }
        finally
        {
            lock (_lock)
            {
                _allIdle = null;
                Volatile.Write(ref _resume, null);
            }

            Paused += time.GetElapsedTime(asked);
            resume.SetResult();
        }
    }
}
