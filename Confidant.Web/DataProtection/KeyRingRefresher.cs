using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.Options;

namespace Confidant.Web.DataProtection;

/// <summary>
/// Every <c>DataProtection:KeyRingRefreshSeconds</c>, ends the cached Data Protection key ring and asks for it again,
/// which reads the ring from the store in the background; requests go on with the ring they have until it is read.
/// A key created by another instance is thus known here within the interval and the time of one read.
/// </summary>
internal sealed class KeyRingRefresher(IOptions<KeyRingOptions> options, IServiceProvider services) : BackgroundService
{
    private CancellationTokenSource _tick = new();

    /// <summary>Cancelled at the next tick.</summary>
    public CancellationToken Token => Volatile.Read(ref _tick).Token;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not injected: the key ring provider depends on the key manager, which depends on this.
        var ring = services.GetRequiredService<IKeyRingProvider>();

        // Wall-clock, as Data Protection's own expiry of the ring: a frozen test clock must not stop the refresh.
        using var timer = new PeriodicTimer(options.Value.KeyRingRefresh);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Tick();
            try
            {
                ring.GetCurrentKeyRing();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Data Protection logs the failure and keeps the previous ring a little longer; the next tick retries.
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _tick.Dispose();
    }

    internal void Tick()
    {
        var expired = Interlocked.Exchange(ref _tick, new CancellationTokenSource());
        expired.Cancel();
        expired.Dispose();
    }
}
