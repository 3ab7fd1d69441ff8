using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// Writes the delivery log. Senders hand over each attempt without waiting (<see cref="Record"/>); one writer in the
/// background stores them in batches and deletes attempts older than <c>Notifications:DeliveryLog:RetentionDays</c>
/// once an hour. A store that is down or slow costs log entries (counted in the application log), never a delivery:
/// a sender never waits on it.
/// </summary>
public sealed partial class DeliveryLog : IHostedService
{
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 100;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly IDeliveryLogStore _store;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryLog> _logger;
    private readonly Channel<DeliveryAttempt> _queue;
    private Task _writer = Task.CompletedTask;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public DeliveryLog(IDeliveryLogStore store, IOptions<NotificationsOptions> options, TimeProvider time, ILogger<DeliveryLog> logger)
    {
        _store = store;
        _retention = TimeSpan.FromDays(options.Value.DeliveryLog.RetentionDays);
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<DeliveryAttempt>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => LogDropped(_logger, dropped.Channel, dropped.Endpoint, dropped.EventId));
    }

    /// <summary>Queues an attempt for the log. Never waits, never throws.</summary>
    public void Record(DeliveryAttempt attempt) => _queue.Writer.TryWrite(attempt);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    /// <summary>Writes what is queued, unless the host stops waiting first.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<DeliveryAttempt>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var attempt))
            {
                batch.Add(attempt);
            }

            try
            {
                await _store.AppendAsync(batch);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                LogNotStored(_logger, batch.Count, error.GetType().Name);
            }

            batch.Clear();
            await PruneIfDueAsync();
        }
    }

    private async Task PruneIfDueAsync()
    {
        var now = _time.GetUtcNow();
        if (now - _lastPrune < PruneInterval)
        {
            return;
        }

        _lastPrune = now;
        try
        {
            var deleted = await _store.DeleteBeforeAsync(now - _retention);
            if (deleted > 0)
            {
                LogPruned(_logger, deleted, _retention.TotalDays);
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogPruneFailed(_logger, error.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery log: {Count} attempt(s) not stored ({Error})")]
    private static partial void LogNotStored(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery log: queue full, the attempt of {Channel} {Endpoint} for {EventId} not stored")]
    private static partial void LogDropped(ILogger logger, string channel, string endpoint, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery log: {Count} attempt(s) older than {Days} days deleted")]
    private static partial void LogPruned(ILogger logger, int count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery log: old attempts not deleted ({Error}); retried in an hour")]
    private static partial void LogPruneFailed(ILogger logger, string error);
}
