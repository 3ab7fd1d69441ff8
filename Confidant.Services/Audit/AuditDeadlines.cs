using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Audit;

/// <summary>
/// Refuses the callers of the ledger whose entries are not durable by their deadline (<c>Audit:AppendTimeoutSeconds</c>),
/// with one timer for every waiting caller rather than one each, armed for the oldest deadline only. Callers are
/// watched, and answered, in deadline order.
/// </summary>
internal sealed partial class AuditDeadlines : IAsyncDisposable
{
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<AuditPending> _waiting = new();
    private readonly Lock _gate = new();
    private readonly ITimer _sweep;
    private readonly long _timeoutTicks;
    private int _armed;

    public AuditDeadlines(AuditOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _timeoutTicks = (long)(options.AppendTimeout.TotalSeconds * time.TimestampFrequency);
        _sweep = time.CreateTimer(_ => Sweep(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The deadline of a caller arriving now.</summary>
    public long DeadlineFromNow() => _time.GetTimestamp() + _timeoutTicks;

    public void Watch(AuditPending pending)
    {
        _waiting.Enqueue(pending);
        if (Volatile.Read(ref _armed) == 0)
        {
            Arm(_options.AppendTimeout);
        }
    }

    /// <summary>Drops answered callers and refuses those past their deadline (after each block, and at each sweep).</summary>
    public void Prune()
    {
        lock (_gate)
        {
            PruneLocked(_time.GetTimestamp());
        }
    }

    public ValueTask DisposeAsync() => _sweep.DisposeAsync();

    private void Sweep()
    {
        TimeSpan? next;
        lock (_gate)
        {
            next = PruneLocked(_time.GetTimestamp());
        }

        if (next is { } due)
        {
            _sweep.Change(due, Timeout.InfiniteTimeSpan);
            return;
        }

        Volatile.Write(ref _armed, 0);

        // A caller that queued while this sweep found nobody waiting must not wait without a timer.
        if (!_waiting.IsEmpty)
        {
            Arm(TimeSpan.Zero);
        }
    }

    private void Arm(TimeSpan due)
    {
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _sweep.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    // Drops answered callers from the front of the queue and refuses those past their deadline; the time until the
    // oldest one still waiting is due, or null when nobody waits.
    private TimeSpan? PruneLocked(long now)
    {
        while (_waiting.TryPeek(out var oldest))
        {
            if (!oldest.Done.Task.IsCompleted)
            {
                if (now < oldest.Deadline)
                {
                    return TimeSpan.FromSeconds((oldest.Deadline - now) / (double)_time.TimestampFrequency);
                }

                // Not written yet: the writer skips it. Already in a block being written: the record may still appear,
                // for a delivery that did not happen (never the other way round).
                var timedOut = new TimeoutException($"The audit record was not stored within {_options.AppendTimeoutSeconds} s.");
                LogTimedOut(_logger, oldest.Entry.Action, _options.AppendTimeoutSeconds);
                AuditPending.Release([oldest], new AuditUnavailableException(AuditUnavailableException.DefaultMessage, timedOut));
            }

            _waiting.TryDequeue(out _);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record of a {Action} not stored within {Seconds} s; refused")]
    private static partial void LogTimedOut(ILogger logger, string action, int seconds);
}
