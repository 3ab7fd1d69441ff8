using System.Globalization;
using System.Net;
using Confidant.Services.Events.Retries;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Events;

/// <summary>
/// One webhook endpoint: its queue and sender (<see cref="DeliveryQueue{T}"/>) and what one attempt is. No answer in
/// time, a network error, 408, 429 or 5xx is worth a retry; any other answer ends the event. The first attempt is made
/// here at once; a retry is handed to the store (<see cref="WebhookRetries"/>), where whichever server holds the lease
/// makes it (<see cref="WebhookRetryWorker"/>). The endpoint is known by its name, never its URL.
/// </summary>
internal sealed class WebhookEndpoint
{
    private readonly WebhookEndpointOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly DeliveryQueue<ConfidantEvent> _queue;

    public WebhookEndpoint(
        string name,
        WebhookEndpointOptions options,
        HttpClient http,
        TimeProvider time,
        DeliveryLog log,
        ConfidantMetrics metrics,
        WebhookRetries retries,
        ILogger logger)
    {
        Name = name;
        _options = options;
        _http = http;
        _time = time;
        _queue = new DeliveryQueue<ConfidantEvent>(
            DeliveryChannels.Webhook, name, options, AttemptAsync, log, time, outcome => metrics.WebhookAttempt(name, outcome), logger,
            (change, attempt, due, stopping) => retries.AddAsync(name, change, attempt, due, stopping));
    }

    public string Name { get; }

    /// <summary>The longest one attempt and its first retry wait take together.</summary>
    public TimeSpan AttemptAndRetryDelay => _options.Timeout + _options.RetryDelay;

    public bool Accepts(string eventType) => _options.Accepts(eventType);

    /// <summary>Never waits: a full queue drops its oldest event instead.</summary>
    public void Enqueue(ConfidantEvent change) => _queue.Enqueue(change);

    public Task RunAsync(CancellationToken stopping) => _queue.RunAsync(stopping);

    /// <summary>
    /// Makes attempt <paramref name="attempt"/> of a stored retry, logged and counted as every attempt is; returns when
    /// the next is due, or null when this one ended it.
    /// </summary>
    public Task<DateTimeOffset?> RetryAsync(ConfidantEvent change, int attempt, CancellationToken stopping) =>
        _queue.AttemptAsync(change, attempt, stopping);

    private async Task<AttemptResult> AttemptAsync(ConfidantEvent change, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var request = WebhookRequest.Build(_options, change, _time.GetUtcNow());
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            if (response.IsSuccessStatusCode)
            {
                return AttemptResult.Delivered(status);
            }

            return (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                ? AttemptResult.Failed(status)
                : AttemptResult.Refused(status);
        }
        catch (Exception error) when (!stopping.IsCancellationRequested && error is HttpRequestException or OperationCanceledException)
        {
            return AttemptResult.Failed(null, error is OperationCanceledException ? "timeout" : "unreachable");
        }
    }
}
