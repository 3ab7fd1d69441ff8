using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Events;

/// <summary>
/// One endpoint's bounded queue and its sender. Events go out one at a time in order; a failed attempt (no answer
/// in time, a network error, 408, 429 or 5xx) is retried after an exponential backoff with jitter, up to the
/// endpoint's attempts; any other answer ends the event. The endpoint is logged by name, never by URL.
/// </summary>
internal sealed partial class WebhookEndpoint
{
    private readonly string _name;
    private readonly WebhookEndpointOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ConfidantMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<ConfidantEvent> _queue;

    public WebhookEndpoint(string name, WebhookEndpointOptions options, HttpClient http, TimeProvider time, ConfidantMetrics metrics, ILogger logger)
    {
        _name = name;
        _options = options;
        _http = http;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<ConfidantEvent>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                LogDropped(_logger, _name, dropped.Type, dropped.Id);
                _metrics.WebhookAttempt(_name, "dropped");
            });
    }

    public bool Accepts(string eventType) => _options.Accepts(eventType);

    /// <summary>Never waits: a full queue drops its oldest event instead.</summary>
    public void Enqueue(ConfidantEvent change) => _queue.Writer.TryWrite(change);

    public async Task RunAsync(CancellationToken stopping)
    {
        await foreach (var change in _queue.Reader.ReadAllAsync(stopping))
        {
            await DeliverAsync(change, stopping);
        }
    }

    private async Task DeliverAsync(ConfidantEvent change, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await AttemptAsync(change, stopping);
            _metrics.WebhookAttempt(_name, outcome.ToString().ToLowerInvariant());
            if (outcome == Outcome.Delivered)
            {
                return;
            }

            if (outcome == Outcome.Refused || attempt >= _options.MaxAttempts)
            {
                LogGaveUp(_logger, _name, change.Type, change.Id, attempt);
                return;
            }

            await Task.Delay(Backoff(attempt), _time, stopping);
        }
    }

    private async Task<Outcome> AttemptAsync(ConfidantEvent change, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var request = WebhookRequest.Build(_options, change, _time.GetUtcNow());
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return Outcome.Delivered;
            }

            LogFailed(_logger, _name, change.Type, change.Id, status);
            return status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                ? Outcome.Failed
                : Outcome.Refused;
        }
        catch (Exception error) when (!stopping.IsCancellationRequested && error is HttpRequestException or OperationCanceledException)
        {
            LogUnreachable(_logger, _name, change.Type, change.Id, error is OperationCanceledException ? "timed out" : "unreachable");
            return Outcome.Failed;
        }
    }

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

    private enum Outcome
    {
        Delivered,
        Failed,
        Refused,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Endpoint}: {EventType} {EventId} answered {Status}")]
    private static partial void LogFailed(ILogger logger, string endpoint, string eventType, string eventId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Endpoint}: {EventType} {EventId} {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string endpoint, string eventType, string eventId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {Endpoint}: {EventType} {EventId} not delivered after {Attempts} attempt(s)")]
    private static partial void LogGaveUp(ILogger logger, string endpoint, string eventType, string eventId, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {Endpoint}: queue full, {EventType} {EventId} dropped")]
    private static partial void LogDropped(ILogger logger, string endpoint, string eventType, string eventId);
}
