namespace Confidant.Services.Rekey;

/// <summary>
/// Spaces calls evenly at a rate: each call may start no sooner than 1/rate after the one before. Time not used is not
/// saved up (a caller that was busy gets one call at once, not a burst), so over any window the calls are at most
/// rate × window + 1.
/// </summary>
internal sealed class KmsCallPacer(double callsPerSecond, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / callsPerSecond);
    private long _calls;
    private long _next;

    /// <summary>Calls let through so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Waits for the next call's turn on the clock.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var start = Math.Max(now, _next);
            _next = start + (long)(_interval.TotalSeconds * clock.TimestampFrequency);
            wait = clock.GetElapsedTime(now, start);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }

        Interlocked.Increment(ref _calls);
    }
}
