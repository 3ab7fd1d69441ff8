namespace Confidant.Services.Rekey;

/// <summary>Wakes this process's worker when a job is queued or resumed here, rather than at its next poll.</summary>
public sealed class RekeySignal : IDisposable
{
    private readonly SemaphoreSlim _wakeups = new(0, 1);

    public void Wake()
    {
        if (_wakeups.CurrentCount == 0)
        {
            try
            {
                _wakeups.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken already.
            }
        }
    }

    /// <summary>Waits for a wake-up or until <paramref name="timeout"/> has passed on <paramref name="clock"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wakeups.WaitAsync(stop.Token);
        var timedOut = Task.Delay(timeout, clock, stop.Token);
        await Task.WhenAny(woken, timedOut);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose() => _wakeups.Dispose();
}
