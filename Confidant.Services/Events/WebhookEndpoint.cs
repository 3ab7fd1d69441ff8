using System.Globalization;
using System.Net;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Events;

/// <summary>
/// One webhook endpoint: its queue and sender (<see cref="DeliveryQueue{T}"/>) and what one attempt is. No answer in
/// time, a network error, 408, 429 or 5xx is worth a retry; any other answer ends the event. The endpoint is known
/// by its name, never its URL.
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
        ILogger logger)
    {
        _options = options;
        _http = http;
        _time = time;
        _queue = new DeliveryQueue<ConfidantEvent>(
            DeliveryChannels.Webhook, name, options, AttemptAsync, log, time, outcome => metrics.WebhookAttempt(name, outcome), logger);
    }

    public bool Accepts(string eventType) => _options.Accepts(eventType);

    /// <summary>Never waits: a full queue drops its oldest event instead.</summary>
    public void Enqueue(ConfidantEvent change) => _queue.Enqueue(change);

    public Task RunAsync(CancellationToken stopping) => _queue.RunAsync(stopping);

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
