using System.Threading.Channels;

namespace Confidant.Services.Background;

/// <summary>
/// Wakes one background loop of this process at once instead of at its next poll. Wake-ups do not pile up: any number
/// of them before the loop waits again wake it once. It holds nothing to dispose, so a host that stops its loops after
/// disposing the container finds it still working.
/// </summary>
public class WakeSignal
{
    private readonly Channel<bool> _wakeups = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Wake() => _wakeups.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up or until <paramref name="timeout"/> has passed on <paramref name="clock"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wakeups.Reader.ReadAsync(stop.Token).AsTask();
        var timedOut = Task.Delay(timeout, clock, stop.Token);
        await Task.WhenAny(woken, timedOut);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
