using Confidant.Services.Events.Retries;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Events;

/// <summary>
/// The event channel: hands each event to the queue of every endpoint that wants it, and runs one sender per
/// endpoint in the background from start to stop. Publishing never waits and never fails the caller.
/// </summary>
public sealed class WebhookDispatcher : IEventPublisher, IHostedService, IDisposable
{
    public const string HttpClientName = "Confidant.Webhooks";

    private readonly IReadOnlyList<WebhookEndpoint> _endpoints;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _senders = [];

    internal WebhookDispatcher(
        IOptions<EventsOptions> options,
        IHttpClientFactory httpClients,
        TimeProvider time,
        DeliveryLog log,
        ConfidantMetrics metrics,
        WebhookRetries retries,
        ILogger<WebhookDispatcher> logger)
    {
        _endpoints = options.Value.Webhooks
            .Select(pair => new WebhookEndpoint(pair.Key, pair.Value, httpClients.CreateClient(HttpClientName), time, log, metrics, retries, logger))
            .ToList();
    }

    /// <summary>The configured endpoint named <paramref name="name"/>, or null.</summary>
    internal WebhookEndpoint? Endpoint(string name) => _endpoints.FirstOrDefault(e => e.Name == name);

    public bool Wants(string eventType) => _endpoints.Any(e => e.Accepts(eventType));

    public void Publish(ConfidantEvent change)
    {
        foreach (var endpoint in _endpoints.Where(e => e.Accepts(change.Type)))
        {
            endpoint.Enqueue(change);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _senders.AddRange(_endpoints.Select(e => Task.Run(() => SendUntilStoppedAsync(e), CancellationToken.None)));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Events still queued at stop, before their first attempt, are not sent: stopping must not wait on a dead endpoint. The web host is stopped
    /// both by its owner and by its own run loop, which may dispose it in between, so a stop may come after
    /// <see cref="Dispose"/>: the token source is cancelled there, never disposed (as BackgroundService does).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_senders);
    }

    public void Dispose() => _stopping.Cancel();

    private async Task SendUntilStoppedAsync(WebhookEndpoint endpoint)
    {
        try
        {
            await endpoint.RunAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
