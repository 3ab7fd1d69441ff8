using System.Text.Json;
using System.Text.Json.Serialization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Events.Retries;

/// <summary>
/// Webhook retries kept in the store, one job item each (id <c>confidant-webhook-retry:&lt;endpoint&gt;:&lt;event id&gt;</c>),
/// so that a retry outlives the server that made the failed attempt and is worked by whichever server holds the
/// <see cref="WebhookRetryWorker"/>'s lease. Every change after the first write is conditional on the revision read,
/// so of two servers working the same retry exactly one sends each attempt.
/// </summary>
internal sealed partial class WebhookRetries(IConfidantStore store, TimeProvider time, ILogger<WebhookRetries> logger)
{
    public const string IdPrefix = "confidant-webhook-retry:";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string IdOf(string endpoint, string eventId) => $"{IdPrefix}{endpoint}:{eventId}";

    /// <summary>
    /// Stores a retry after a failed first attempt. False when the store could not take it: the caller keeps it in
    /// memory instead. An item already there for the same delivery is another server's, which retries it: true.
    /// </summary>
    public async Task<bool> AddAsync(string endpoint, ConfidantEvent change, int attempt, DateTimeOffset due, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveJobAsync(Item(IdOf(endpoint, change.Id), 1, new Body(endpoint, change, attempt, due)), cancellationToken);
            return true;
        }
        catch (RevisionConflictException)
        {
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
        {
            LogNotStored(endpoint, change.Type, change.Id, error.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// Retries due at <paramref name="now"/>, earliest first. Items that cannot be read are deleted (and logged): no
    /// server could ever send them.
    /// </summary>
    public async Task<IReadOnlyList<PendingRetry>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var jobs = await store.QueryAsync(DataType.Job, PageRequest.All, cancellationToken);
        List<PendingRetry> due = [];
        foreach (var item in jobs.Items.OfType<JobItem>().Where(j => j.Id.StartsWith(IdPrefix, StringComparison.Ordinal)))
        {
            if (Read(item) is not { } retry)
            {
                LogUnreadable(item.Id);
                await store.DeleteJobAsync(item.Id, item.Revision, cancellationToken);
            }
            else if (retry.Due <= now)
            {
                due.Add(retry);
            }
        }

        return [.. due.OrderBy(r => r.Due)];
    }

    /// <summary>
    /// Takes <paramref name="retry"/> for one attempt: moves its due time on to <paramref name="until"/>, so that should
    /// this server stop during the attempt the same attempt is made again once that has passed. Null when another
    /// server changed or removed it since it was read: that server has it.
    /// </summary>
    public Task<PendingRetry?> ClaimAsync(PendingRetry retry, DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteAsync(retry with { Due = until }, cancellationToken);

    /// <summary>Sets the next attempt after a failed one. Null when another server changed or removed it meanwhile.</summary>
    public Task<PendingRetry?> RescheduleAsync(PendingRetry claimed, DateTimeOffset due, CancellationToken cancellationToken) =>
        WriteAsync(claimed with { Attempt = claimed.Attempt + 1, Due = due }, cancellationToken);

    /// <summary>Removes a retry that ended (delivered, refused, out of attempts, or its endpoint gone); false when it moved on.</summary>
    public Task<bool> RemoveAsync(PendingRetry retry, CancellationToken cancellationToken) =>
        store.DeleteJobAsync(retry.Id, retry.Revision, cancellationToken);

    private async Task<PendingRetry?> WriteAsync(PendingRetry next, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveJobAsync(Item(next.Id, next.Revision + 1, new Body(next.Endpoint, next.Event, next.Attempt, next.Due)), cancellationToken);
            return next with { Revision = next.Revision + 1 };
        }
        catch (RevisionConflictException)
        {
            return null;
        }
    }

    private static PendingRetry? Read(JobItem item)
    {
        try
        {
            return JsonSerializer.Deserialize<Body>(item.Body, Json) is { } body
                ? new PendingRetry(item.Id, item.Revision, body.Endpoint, body.Event, body.Attempt, body.Due)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private JobItem Item(string id, int revision, Body body) =>
        JobItem.At(id, revision, JsonSerializer.Serialize(body, Json), time.GetUtcNow(), "webhook-retries");

    private sealed record Body(
        [property: JsonRequired] string Endpoint,
        [property: JsonRequired] ConfidantEvent Event,
        [property: JsonRequired] int Attempt,
        [property: JsonRequired] DateTimeOffset Due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Endpoint}: the retry of {EventType} {EventId} could not be stored ({Error}); it waits in this server's memory")]
    private partial void LogNotStored(string endpoint, string eventType, string eventId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook retry {Id} could not be read and was deleted")]
    private partial void LogUnreadable(string id);
}
