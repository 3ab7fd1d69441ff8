using System.Collections.Concurrent;
using System.Threading.Channels;
using Confidant.Services.Kms;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Audit;

/// <summary>
/// The ledger's background work, started when this process opens its first chain: a checkpoint of the chain's head
/// after <c>Audit:CheckpointRecords</c> records or <c>Audit:CheckpointSeconds</c> seconds, one of each chain that
/// ended on a failed append, sealing other processes' abandoned chains, and writing the access summary's counters.
/// A failure (key service down) is logged and retried on the next round; deliveries never wait for any of it.
/// </summary>
internal sealed partial class AuditMaintenance : IDisposable
{
    private readonly IAuditStore _store;
    private readonly AuditChainWriter _chain;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AuditCheckpointer _checkpointer;
    private readonly AuditChainSealer _sealer;
    private readonly ConcurrentQueue<AuditChainState> _ended = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private Task? _loop;
    private bool _stopping;

    public AuditMaintenance(IAuditStore store, IKeyService keys, AuditChainWriter chain, AuditOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _chain = chain;
        _options = options;
        _time = time;
        _logger = logger;
        _checkpointer = new AuditCheckpointer(store, keys, options.MacKeyId, time);
        _sealer = new AuditChainSealer(store, _checkpointer, time, TimeSpan.FromSeconds(options.SealAfterSeconds), logger);
        chain.ChainOpened = _ => Start();
        chain.ChainEnded = ended =>
        {
            _ended.Enqueue(ended);
            _signal.Writer.TryWrite(true);
        };
    }

    public void Dispose()
    {
        _checkpointer.Dispose();
        _stop.Dispose();
    }

    private TimeSpan RoundTimeout => _options.AppendTimeout * 6;

    private TimeSpan CheckpointInterval => TimeSpan.FromSeconds(_options.CheckpointSeconds);

    /// <summary>
    /// Called after each append of <paramref name="records"/> records. The loop is woken only when that changes when
    /// the next checkpoint is due: the first records after a checkpoint start its clock, and enough records make it
    /// due at once. Any other append leaves the loop asleep (waking it per append would cost every block a thread hop).
    /// </summary>
    public void Appended(AuditChainState? chain, int records)
    {
        if (chain is { Uncovered: var uncovered } && (uncovered <= records || uncovered >= _options.CheckpointRecords))
        {
            _signal.Writer.TryWrite(true);
        }
    }

    public async Task StopAsync()
    {
        Task? loop;
        lock (_startGate)
        {
            _stopping = true;
            loop = _loop;
        }

        await _stop.CancelAsync();
        if (loop is not null)
        {
#pragma warning disable VSTHRD003 // Started by this instance; it ends once the stop token is cancelled.
            await loop;
#pragma warning restore VSTHRD003
        }
    }

    /// <summary>The final checkpoint of this process's chain; only then is the chain marked closed.</summary>
    public async Task CloseChainAsync(AuditChainState chain, CancellationToken cancellationToken)
    {
        await CheckpointEndedAsync(cancellationToken);
        if (chain.Head is not null)
        {
            await _checkpointer.CheckpointAsync(chain, final: true, cancellationToken);
        }

        await _store.MarkChainClosedAsync(chain.ChainId, AuditChain.ClosingTime(_time, chain.Head), cancellationToken);
    }

    private void Start()
    {
        lock (_startGate)
        {
            if (_loop is null && !_stopping)
            {
                _loop = Task.Run(RunAsync);
            }
        }
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        var nextSeal = _time.GetUtcNow();
        var nextFlush = nextSeal + TimeSpan.FromSeconds(_options.AccessFlushSeconds);
        while (!stop.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var failed = false;

            // A round is never cancelled half-way (a checkpoint whose write outcome is unknown helps nobody); it is
            // only bounded in time. Stopping ends the wait between rounds.
            using var round = new CancellationTokenSource(RoundTimeout, _time);
            try
            {
                await CheckpointEndedAsync(round.Token);
                if (_chain.Current is { } chain && IsDue(chain, now))
                {
                    await _checkpointer.CheckpointAsync(chain, final: false, round.Token);
                }

                if (now >= nextSeal)
                {
                    nextSeal = now + (TimeSpan.FromSeconds(_options.SealAfterSeconds) / 2);
                    await _sealer.SealStaleAsync(_chain.Current?.ChainId, round.Token);
                }

                if (now >= nextFlush)
                {
                    nextFlush = now + TimeSpan.FromSeconds(_options.AccessFlushSeconds);
                    await _store.FlushAsync(round.Token);
                }
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                LogRoundFailed(_logger, error.GetType().Name);
                failed = true;
            }

            // After a failure (key service or store down), a full interval passes before the next try, whatever is appended.
            await WaitAsync(failed ? CheckpointInterval : NextWake(now, nextSeal, nextFlush), wakeOnAppend: !failed, stop);
        }
    }

    private bool IsDue(AuditChainState chain, DateTimeOffset now) =>
        chain.Uncovered >= _options.CheckpointRecords
        || (chain.Uncovered > 0 && now - (chain.LastCheckpoint?.Time ?? chain.OpenedAt) >= CheckpointInterval);

    private TimeSpan NextWake(DateTimeOffset now, DateTimeOffset nextSeal, DateTimeOffset nextFlush)
    {
        var wake = now + CheckpointInterval;
        if (_chain.Current is { Uncovered: > 0 } chain)
        {
            var due = (chain.LastCheckpoint?.Time ?? chain.OpenedAt) + CheckpointInterval;
            wake = due < wake ? due : wake;
        }

        foreach (var other in (ReadOnlySpan<DateTimeOffset>)[nextSeal, nextFlush])
        {
            wake = other < wake ? other : wake;
        }

        return wake > now ? wake - now : TimeSpan.Zero;
    }

    // Until the delay passes, an append signals, or the loop is stopped.
    private async Task WaitAsync(TimeSpan delay, bool wakeOnAppend, CancellationToken stop)
    {
        if (delay <= TimeSpan.Zero || stop.IsCancellationRequested)
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var delayed = Task.Delay(delay, _time, wake.Token);
        var signalled = wakeOnAppend ? _signal.Reader.WaitToReadAsync(wake.Token).AsTask() : Task.Delay(Timeout.Infinite, wake.Token);
        await Task.WhenAny(delayed, signalled);
        await wake.CancelAsync();
        while (_signal.Reader.TryRead(out _))
        {
        }
    }

    private async Task CheckpointEndedAsync(CancellationToken cancellationToken)
    {
        while (_ended.TryPeek(out var ended))
        {
            try
            {
                await _checkpointer.CheckpointAsync(ended, final: false, cancellationToken);
            }
            catch (AuditConflictException)
            {
                // Another process sealed it meanwhile: its final checkpoint covers the same head.
            }

            _ended.TryDequeue(out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit checkpoint, seal or summary round failed ({Error}); retried on the next round")]
    private static partial void LogRoundFailed(ILogger logger, string error);
}
