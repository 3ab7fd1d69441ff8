using Confidant.Services.Background;
using Confidant.Services.Crypto;
using Confidant.Services.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Cluster;

/// <summary>
/// Keeps this process's caches in step with every other process on the same store. A change made here is announced
/// on the <see cref="ChangeBeacon"/> at once; the beacon is read every <c>Cluster:CoherenceMilliseconds</c>, and when
/// it moved for a change made elsewhere the <see cref="StoreGeneration"/> advances, so every cache built on it (service
/// responses, exposure marks, the catalogue) drops what it holds; when an announcement asked for it, the plaintext data
/// keys kept in memory are forgotten too. On a server it runs in the background from start to stop; a command
/// announces its changes before it exits.
/// </summary>
public sealed partial class ClusterCoherence : BackgroundLoop
{
    private readonly ChangeBeacon _beacon;
    private readonly StoreGeneration _generation;
    private readonly DataKeyCache _dataKeys;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterCoherence> _logger;
    // Never disposed: a host may stop this service after disposing it (as BackgroundService allows).
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly string _name = NewWorkerName();
    private BeaconState? _seen;

    internal ClusterCoherence(
        ChangeBeacon beacon,
        StoreGeneration generation,
        DataKeyCache dataKeys,
        IOptions<ClusterOptions> options,
        TimeProvider time,
        ILogger<ClusterCoherence> logger)
    {
        _beacon = beacon;
        _generation = generation;
        _dataKeys = dataKeys;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Announces this process's changes that are not announced yet (none: nothing is written).</summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken = default)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await AnnounceInTurnAsync(cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>One round: announces this process's changes, then reads the beacon for those of others.</summary>
    internal async Task StepAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await AnnounceInTurnAsync(cancellationToken);
            Observe(await _beacon.ReadAsync(cancellationToken), own: false);
        }
        finally
        {
            _turn.Release();
        }
    }

    // Should the store be gone by then, others' caches still expire on their own (Api:ServiceResponseCacheSeconds).
    protected override Task LetGoAsync(CancellationToken cancellationToken) => AnnounceAsync(cancellationToken);

    protected override Task RoundAsync(CancellationToken stopping) => StepAsync(stopping);

    protected override Task PauseAsync(CancellationToken stopping) => _generation.Unannounced.WaitAsync(_options.Coherence, _time, stopping);

    protected override void RoundFailed(Exception failure) => LogFailed(failure);

    private async Task AnnounceInTurnAsync(CancellationToken cancellationToken)
    {
        var pending = _generation.TakeUnannounced();
        if (!pending.Changed)
        {
            return;
        }

        if (pending.ForgetDataKeys)
        {
            _dataKeys.Clear();
        }

        Announcement announcement;
        try
        {
            announcement = await _beacon.AnnounceAsync(pending.ForgetDataKeys, pending.Touched, _name, cancellationToken);
        }
        catch
        {
            _generation.Unannounce(pending);
            throw;
        }

        Observe(announcement.State, announcement.Own, pending.ForgetDataKeys);
    }

    /// <summary>
    /// Takes in the beacon as read or as an announcement of this process left it: anything counted on it since it was
    /// last seen, besides this process's own announcement, was changed elsewhere. When that is exactly one announcement
    /// of another process, read here, the items it names are what changed; otherwise what changed is not known.
    /// </summary>
    private void Observe(BeaconState state, bool own, bool forgotHere = false)
    {
        var seen = _seen;
        _seen = state;
        if (seen is null)
        {
            // The first look: every cache here was built after whatever the beacon counts so far.
            return;
        }

        // Not only more: a beacon restored from a backup, or deleted, also means the store changed under every cache.
        var elsewhere = state.Revision - seen.Revision - (own ? 1 : 0);
        if (elsewhere != 0)
        {
            _generation.AdvanceFromElsewhere(elsewhere == 1 && !own ? state.Touched : null);
        }

        if (state.DataKeyPurges != seen.DataKeyPurges + (forgotHere && own ? 1 : 0))
        {
            _dataKeys.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The change beacon could not be read or moved; caches here may lag other servers' changes")]
    private partial void LogFailed(Exception error);
}
