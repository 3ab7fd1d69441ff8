using Confidant.Services.Background;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Events.Retries;

/// <summary>
/// Works the webhook retries kept in the store, on one server at a time. Every server runs it; each round (every
/// <c>Events:RetryPollSeconds</c>) it takes or renews the lease <see cref="LeaseName"/> for
/// <c>Events:RetryLeaseSeconds</c>, and only the holder reads the due retries and makes them, each endpoint's in order,
/// the endpoints side by side. Each attempt is first claimed with a conditional write, so even two servers that both
/// believe they hold the lease never send the same attempt twice. A holder that stops lets go of the lease; one that
/// dies holds it until it runs out, and then another server takes the work over.
/// </summary>
internal sealed partial class WebhookRetryWorker : BackgroundLoop
{
    public const string LeaseName = "webhook-retries";

    private readonly WebhookRetries _retries;
    private readonly WebhookDispatcher _dispatcher;
    private readonly StoreLease _lease;
    private readonly EventsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookRetryWorker> _logger;

    public WebhookRetryWorker(
        WebhookRetries retries,
        WebhookDispatcher dispatcher,
        StoreLease lease,
        IOptions<EventsOptions> options,
        TimeProvider time,
        ILogger<WebhookRetryWorker> logger)
    {
        _retries = retries;
        _dispatcher = dispatcher;
        _lease = lease;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>This server's name on the lease: one per process and worker, so two hosts in one process differ.</summary>
    public string Holder { get; } = NewWorkerName();

    /// <summary>
    /// One round: takes or renews the lease and, while holding it, makes the retries that are due. The lease is renewed
    /// every <c>Events:RetryPollSeconds</c> while the round lasts; should that fail, the round ends there.
    /// </summary>
    internal async Task StepAsync(CancellationToken stopping)
    {
        if (!await _lease.TryHoldAsync(LeaseName, Holder, _options.RetryLease, stopping))
        {
            return;
        }

        var due = await _retries.DueAsync(_time.GetUtcNow(), stopping);
        using var round = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var work = Task.WhenAll(due.GroupBy(r => r.Endpoint, StringComparer.Ordinal).Select(e => WorkAsync(e.Key, [.. e], round.Token)));
        try
        {
            while (!work.IsCompleted)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                if (await Task.WhenAny(work, Task.Delay(_options.RetryPoll, _time, wait.Token)) == work)
                {
                    await wait.CancelAsync();
                }
                else if (!await _lease.TryHoldAsync(LeaseName, Holder, _options.RetryLease, stopping))
                {
                    await round.CancelAsync();
                }
            }

            await work;
        }
        catch (OperationCanceledException) when (round.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // The lease went to another server: the attempt under way when it did is made again from the store.
        }
    }

    // Should the store be gone by then, the claim runs out on its own within Events:RetryLeaseSeconds.
    protected override Task LetGoAsync(CancellationToken cancellationToken) => _lease.ReleaseAsync(LeaseName, Holder, cancellationToken);

    protected override Task RoundAsync(CancellationToken stopping) => StepAsync(stopping);

    protected override Task PauseAsync(CancellationToken stopping) => Task.Delay(_options.RetryPoll, _time, stopping);

    protected override void RoundFailed(Exception failure) => LogFailed(failure);

    private async Task WorkAsync(string endpointName, IReadOnlyList<PendingRetry> due, CancellationToken round)
    {
        var endpoint = _dispatcher.Endpoint(endpointName);
        foreach (var retry in due)
        {
            if (endpoint is null)
            {
                LogEndpointGone(endpointName, retry.Event.Type, retry.Event.Id);
                await _retries.RemoveAsync(retry, round);
            }
            else if (await _retries.ClaimAsync(retry, _time.GetUtcNow() + endpoint.AttemptAndRetryDelay, round) is { } claimed)
            {
                if (await endpoint.RetryAsync(retry.Event, retry.Attempt, round) is { } next)
                {
                    await _retries.RescheduleAsync(claimed, next, round);
                }
                else
                {
                    await _retries.RemoveAsync(claimed, round);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook retries: a round failed; the next round tries again")]
    private partial void LogFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Endpoint} is no longer configured: the retry of {EventType} {EventId} is dropped")]
    private partial void LogEndpointGone(string endpoint, string eventType, string eventId);
}
