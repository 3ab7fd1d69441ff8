using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// One channel endpoint's bounded queue and its sender, shared by webhooks and e-mail. Notifications go out one at a
/// time in order; an attempt that failed in a way worth retrying is retried after an exponential backoff with jitter,
/// up to the endpoint's attempts; a refusal ends it. Every attempt goes to the <see cref="DeliveryLog"/>. A full
/// queue drops its oldest notification, so a dead endpoint costs bounded memory and holds up nothing else. A channel
/// that keeps its retries elsewhere (webhooks: in the store) is handed each one instead, and keeps it here only when
/// the hand-over fails.
/// </summary>
internal sealed class DeliveryQueue<T>
    where T : class, IDeliverable
{
    private readonly string _channel;
    private readonly string _endpoint;
    private readonly ChannelDeliveryOptions _options;
    private readonly Func<T, CancellationToken, Task<AttemptResult>> _attempt;
    private readonly DeliveryLog _log;
    private readonly TimeProvider _time;
    private readonly Action<string> _count;
    private readonly Func<T, int, DateTimeOffset, CancellationToken, Task<bool>>? _handOver;
    private readonly ILogger _logger;
    private readonly Channel<T> _queue;

    /// <summary>
    /// A queue for <paramref name="endpoint"/> of <paramref name="channel"/>: <paramref name="attempt"/> makes one attempt
    /// within the endpoint's timeout and never throws for a delivery failure; <paramref name="count"/> counts each
    /// attempt's outcome (<c>delivered</c>, <c>failed</c>, <c>refused</c>) and each drop; <paramref name="handOver"/>, when
    /// given, takes a retry (the notification, the number of its next attempt, when that is due) out of this queue and
    /// says whether it did.
    /// </summary>
    public DeliveryQueue(
        string channel,
        string endpoint,
        ChannelDeliveryOptions options,
        Func<T, CancellationToken, Task<AttemptResult>> attempt,
        DeliveryLog log,
        TimeProvider time,
        Action<string> count,
        ILogger logger,
        Func<T, int, DateTimeOffset, CancellationToken, Task<bool>>? handOver = null)
    {
        _channel = channel;
        _endpoint = endpoint;
        _options = options;
        _attempt = attempt;
        _log = log;
        _time = time;
        _count = count;
        _handOver = handOver;
        _logger = logger;
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                DeliveryQueueLog.Dropped(_logger, _channel, _endpoint, dropped.Type, dropped.Id);
                _count("dropped");
            });
    }

    /// <summary>Never waits: a full queue drops its oldest notification instead.</summary>
    public void Enqueue(T item) => _queue.Writer.TryWrite(item);

    public async Task RunAsync(CancellationToken stopping)
    {
        await foreach (var item in _queue.Reader.ReadAllAsync(stopping))
        {
            await DeliverAsync(item, stopping);
        }
    }

    /// <summary>
    /// Makes attempt number <paramref name="attempt"/> of <paramref name="item"/>, counts it and logs it. Returns when the
    /// next attempt is due, or null when this one ended the notification (delivered, refused, or the last attempt).
    /// </summary>
    public async Task<DateTimeOffset?> AttemptAsync(T item, int attempt, CancellationToken stopping)
    {
        var started = _time.GetUtcNow();
        var result = await _attempt(item, stopping);
        _count(result.Outcome.ToString().ToLowerInvariant());
        var last = result.Outcome != AttemptOutcome.Failed || attempt >= _options.MaxAttempts;
        var next = last ? (DateTimeOffset?)null : _time.GetUtcNow() + Backoff(attempt);
        _log.Record(new DeliveryAttempt(
            DeliveryAttemptIds.New(),
            item.Id,
            item.Type,
            _channel,
            _endpoint,
            attempt,
            started,
            Outcome(result.Outcome, last),
            result.Status,
            result.Error,
            next));
        if (result.Outcome == AttemptOutcome.Delivered)
        {
            return null;
        }

        DeliveryQueueLog.AttemptFailed(_logger, _channel, _endpoint, item.Type, item.Id, attempt, result.Status ?? "no answer", result.Error ?? "-");
        if (last)
        {
            DeliveryQueueLog.GaveUp(_logger, _channel, _endpoint, item.Type, item.Id, attempt);
        }

        return next;
    }

    private async Task DeliverAsync(T item, CancellationToken stopping)
    {
        for (var attempt = 1; await AttemptAsync(item, attempt, stopping) is { } next; attempt++)
        {
            if (_handOver is not null && await _handOver(item, attempt + 1, next, stopping))
            {
                return;
            }

            await Task.Delay(Max(next - _time.GetUtcNow(), TimeSpan.Zero), _time, stopping);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Outcome(AttemptOutcome outcome, bool last) => outcome switch
    {
        AttemptOutcome.Delivered => DeliveryOutcomes.Delivered,
        AttemptOutcome.Refused => DeliveryOutcomes.Refused,
        AttemptOutcome.Failed => last ? DeliveryOutcomes.Failed : DeliveryOutcomes.Retrying,
    };

    /// <summary>
    /// Retry n waits RetryDelay·2^(n-1), capped, of which a random half is dropped ("equal jitter"), so that the
    /// retries of many instances after one outage spread out instead of arriving together.
    /// </summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxRetryDelay.TotalMilliseconds);
        var half = (int)Math.Max(1, ceiling / 2);
        return TimeSpan.FromMilliseconds(half + RandomNumberGenerator.GetInt32(half + 1));
    }
}

/// <summary>The log lines of <see cref="DeliveryQueue{T}"/>, for every kind of notification.</summary>
internal static partial class DeliveryQueueLog
{
    // The endpoint is logged by name, never by URL or address: either may carry a token.
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Channel} {Endpoint}: {EventType} {EventId} attempt {Attempt} answered {Status} ({Error})")]
    public static partial void AttemptFailed(ILogger logger, string channel, string endpoint, string eventType, string eventId, int attempt, string status, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Channel} {Endpoint}: {EventType} {EventId} not delivered after {Attempts} attempt(s)")]
    public static partial void GaveUp(ILogger logger, string channel, string endpoint, string eventType, string eventId, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Channel} {Endpoint}: queue full, {EventType} {EventId} dropped")]
    public static partial void Dropped(ILogger logger, string channel, string endpoint, string eventType, string eventId);
}
