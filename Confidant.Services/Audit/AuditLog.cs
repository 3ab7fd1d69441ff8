using System.Diagnostics;
using System.Threading.Channels;
using Confidant.Services.Kms;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Audit;

/// <summary>
/// The ledger's entry point. <see cref="RecordAsync(AuditEntry, CancellationToken)"/> completes only once the record
/// is durable in this process's hash chain, and throws <see cref="AuditUnavailableException"/> when that cannot happen
/// within <c>Audit:AppendTimeoutSeconds</c>, so that a secret whose delivery cannot be recorded is not delivered.
/// Group commit: concurrent callers share one append (one block). Checkpoints, sealing of abandoned chains and the
/// access summary's counters run beside it (<see cref="AuditMaintenance"/>) and never hold a delivery up.
/// </summary>
public sealed partial class AuditLog : IAsyncDisposable
{
    // Entries waiting for the writer; past this a delivery is refused at once rather than queued behind a dead store.
    private const int QueueCapacity = 100_000;

    // Raw size a group commit stops growing at, far below DynamoDB's 400 KB item limit.
    private const int MaxBatchBytes = 200_000;

    private readonly IAuditStore _store;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly AuditChainWriter _chain;
    private readonly UnusualAccessDetector _detector;
    private readonly AuditMaintenance _maintenance;
    private readonly Channel<AuditPending> _queue = Channel.CreateBounded<AuditPending>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
    private readonly Task _writer;
    private readonly Lock _closeGate = new();
    private readonly AuditDeadlines _deadlines;
    private Task? _closing;

    private readonly ConfidantMetrics? _metrics;
    private readonly IUnusualAccessSink? _unusual;

    public AuditLog(
        IAuditStore store,
        IKeyService keys,
        IOptions<AuditOptions> options,
        TimeProvider time,
        ILogger<AuditLog> logger,
        ConfidantMetrics? metrics = null,
        IUnusualAccessSink? unusual = null)
    {
        _metrics = metrics;
        _unusual = unusual;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _chain = new AuditChainWriter(store, time, OpenedBy(), logger);
        _detector = new UnusualAccessDetector(store, _options.RateThreshold, time);
        _maintenance = new AuditMaintenance(store, keys, _chain, _options, time, logger);
        _deadlines = new AuditDeadlines(_options, time, logger);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The chain this process writes now (null before its first record, or after a failed append ended it).</summary>
    public string? CurrentChainId => _chain.Current?.ChainId;

    /// <summary>Records an entry; completes once it is durable.</summary>
    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var pending = new AuditPending(AuditEntrySanitizer.Clean(entry), _deadlines.DeadlineFromNow());
        if (cancellationToken.CanBeCanceled)
        {
            // A caller that gives up before its entry is taken delivered nothing: the writer skips it.
            pending.Cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((AuditPending)state!).Done.TrySetCanceled(token), pending);
        }

        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Cancellation.Unregister();
            return Task.FromException(new AuditUnavailableException());
        }

        _deadlines.Watch(pending);

#pragma warning disable VSTHRD003 // Completed by this instance's writer, sweep or the caller's own cancellation.
        return pending.Done.Task;
#pragma warning restore VSTHRD003
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(query, cancellationToken);

    /// <summary>Per principal, the deliveries of a resource since <paramref name="since"/> (for example its last rotation).</summary>
    public Task<IReadOnlyList<AuditAccess>> AccessAsync(
        string resourceType,
        string resourceId,
        DateTimeOffset? since = null,
        CancellationToken cancellationToken = default) =>
        _store.AccessAsync(resourceType, resourceId, since, cancellationToken);

    /// <summary>Every chain with its head and last checkpoint (the "verified up to checkpoint N at T" line).</summary>
    public async Task<IReadOnlyList<AuditChainStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var statuses = new List<AuditChainStatus>();
        foreach (var chain in await _store.ListChainsAsync(cancellationToken))
        {
            var head = await _store.HeadAsync(chain.ChainId, cancellationToken);
            var checkpoints = await _store.ListCheckpointsAsync(chain.ChainId, cancellationToken);
            statuses.Add(new AuditChainStatus(chain, head?.Sequence ?? 0, head?.Time, checkpoints.Count > 0 ? checkpoints[^1] : null));
        }

        return statuses;
    }

    /// <summary>
    /// Stops taking entries, writes those queued, closes this process's chain (a closing record and a final
    /// checkpoint) and writes the access summary's counters. Safe to call more than once.
    /// </summary>
    public Task CloseAsync(CancellationToken cancellationToken = default)
    {
        lock (_closeGate)
        {
            _closing ??= CloseOnceAsync();
        }

        return _closing.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().WaitAsync(_options.AppendTimeout * 2, _time);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogCloseFailed(_logger, error.GetType().Name);
        }

        _maintenance.Dispose();
        await _deadlines.DisposeAsync();
    }

    private async Task CloseOnceAsync()
    {
        _queue.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The writer loop was started by this instance and ends once the queue is drained.
        await _writer;
#pragma warning restore VSTHRD003
        await _maintenance.StopAsync();
        using var timeout = new CancellationTokenSource(_options.AppendTimeout * 2, _time);
        try
        {
            var chain = await _chain.CloseAsync(timeout.Token);
            if (chain is not null)
            {
                await _maintenance.CloseChainAsync(chain, timeout.Token);
            }

            await _store.FlushAsync(timeout.Token);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A stop never fails for the trail: an unclosed chain is sealed by a later process, and verify says so.
            LogCloseFailed(_logger, error.GetType().Name);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AuditPending>(_options.MaxBatchRecords);
        while (await _queue.Reader.WaitToReadAsync())
        {
            var bytes = 0;
            while (batch.Count < _options.MaxBatchRecords && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var pending))
            {
                // A caller that gave up (timeout, cancellation) delivered nothing: its entry is not recorded.
                if (!pending.Done.Task.IsCompleted)
                {
                    batch.Add(pending);
                    bytes += AuditEntrySanitizer.EstimateSize(pending.Entry);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task WriteBatchAsync(List<AuditPending> batch)
    {
        var started = _time.GetTimestamp();
        var outcome = "failed";
        try
        {
            // Callers stop waiting after the timeout on their own; the store is asked to stop too. The loop waits for
            // the store's answer before the next block all the same: one append at a time keeps the chain linear.
            using var timeout = new CancellationTokenSource(_options.AppendTimeout, _time);
            var entries = new AuditEntry[batch.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = batch[i].Entry;
            }

            var (flags, firsts) = await _detector.FlagAsync(entries, timeout.Token);
            var records = await _chain.AppendAsync(entries, flags, timeout.Token);
            AuditPending.Release(batch, null);
            outcome = "ok";

            // Only what the next block depends on, after the callers are released; checkpoints run on their own loop.
            _detector.Accept(firsts);
            _maintenance.Appended(_chain.Current, records.Count);
            if (_unusual is { } sink)
            {
                PassOnFlagged(sink, records);
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // An unreachable or stalled store was reported by its call guard, once per interval: no line per append.
            if (error is not Errors.DependencyUnavailableException)
            {
                LogAppendFailed(_logger, batch.Count, error.GetType().Name);
            }

            AuditPending.Release(batch, new AuditUnavailableException(AuditUnavailableException.DefaultMessage, error));
        }
        finally
        {
            _metrics?.AuditAppended(outcome, _time.GetElapsedTime(started));
        }

        _deadlines.Prune();
    }

    // Durable now; the sink only queues them, so neither the callers nor the next block wait for it. Most blocks hold
    // no flagged record: they cost one pass and no allocation.
    private static void PassOnFlagged(IUnusualAccessSink sink, IReadOnlyList<AuditRecord> records)
    {
        List<AuditRecord>? flagged = null;
        foreach (var record in records)
        {
            if (record.Flags.Count > 0)
            {
                (flagged ??= []).Add(record);
            }
        }

        if (flagged is not null)
        {
            sink.Flagged(flagged);
        }
    }

    private static string OpenedBy()
    {
        using var process = Process.GetCurrentProcess();
        return $"{Environment.MachineName} pid {process.Id}";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit append of {Count} records failed ({Error}); those deliveries are refused")]
    private static partial void LogAppendFailed(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit chain could not be closed ({Error}); another process will seal it")]
    private static partial void LogCloseFailed(ILogger logger, string error);
}
