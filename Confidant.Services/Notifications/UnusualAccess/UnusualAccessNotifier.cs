using System.Threading.Channels;
using Confidant.Services.Audit;
using Confidant.Services.Events;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Email;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Notifications.UnusualAccess;

/// <summary>
/// Passes the audit trail's unusual-access flags on: the webhook event <c>unusual_access</c> and an e-mail to
/// <c>Notifications:SecurityContacts</c>. The ledger hands over records once they are durable and goes on at once:
/// they wait in a bounded queue, off every delivery's path. Per principal, a flood becomes a few messages and a
/// summary (<see cref="UnusualAccessThrottle"/>), checked every few seconds for windows that have ended.
/// </summary>
internal sealed partial class UnusualAccessNotifier : IUnusualAccessSink, IHostedService, IDisposable
{
    private const int QueueCapacity = 10_000;
    private static readonly TimeSpan SummaryCheck = TimeSpan.FromSeconds(5);

    private readonly IEventPublisher _events;
    private readonly IEmailSender _email;
    private readonly string[] _contacts;
    private readonly TimeProvider _time;
    private readonly ILogger<UnusualAccessNotifier> _logger;
    private readonly UnusualAccessThrottle _throttle;
    private readonly Lock _gate = new();
    private readonly Channel<AuditRecord> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    public UnusualAccessNotifier(
        IOptions<NotificationsOptions> options,
        IEventPublisher events,
        IEmailSender email,
        TimeProvider time,
        ILogger<UnusualAccessNotifier> logger)
    {
        _events = events;
        _email = email;
        _contacts = email.Enabled ? options.Value.SecurityContacts : [];
        _time = time;
        _logger = logger;
        var settings = options.Value.UnusualAccess;
        _throttle = new UnusualAccessThrottle(settings.MessagesPerWindow, TimeSpan.FromSeconds(settings.WindowSeconds));
        _queue = Channel.CreateBounded<AuditRecord>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => LogDropped(_logger, dropped.ChainId, dropped.Sequence));
    }

    private bool Enabled => _contacts.Length > 0 || _events.Wants(EventTypes.UnusualAccess);

    public void Flagged(IReadOnlyList<AuditRecord> records)
    {
        if (!Enabled)
        {
            return;
        }

        // The echo of a write hands back values its actor just sent: a first access, but nothing anyone needs to hear of.
        foreach (var record in records.Where(r => r.Entry.Action != AuditActions.UpdateEcho))
        {
            _queue.Writer.TryWrite(record);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loops.Add(Task.Run(() => UntilStoppedAsync(NotifyFlaggedAsync), CancellationToken.None));
        _loops.Add(Task.Run(() => UntilStoppedAsync(SendSummariesAsync), CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>Flags still queued and summaries still open at stop are not sent (they are in the audit trail).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Cancel();

    private async Task UntilStoppedAsync(Func<CancellationToken, Task> loop)
    {
        try
        {
            await loop(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task NotifyFlaggedAsync(CancellationToken stopping)
    {
        await foreach (var record in _queue.Reader.ReadAllAsync(stopping))
        {
            bool single;
            lock (_gate)
            {
                single = _throttle.Admit(record, _time.GetUtcNow());
            }

            if (single)
            {
                var id = DeliveryAttemptIds.New();
                var (subject, body) = UnusualAccessMessages.Email(record);
                Send(UnusualAccessMessages.Event(id, record), subject, body);
            }
        }
    }

    private async Task SendSummariesAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(SummaryCheck, _time);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            IReadOnlyList<UnusualAccessSummary> due;
            lock (_gate)
            {
                due = _throttle.TakeDue(_time.GetUtcNow());
            }

            foreach (var summary in due)
            {
                var id = DeliveryAttemptIds.New();
                var (subject, body) = UnusualAccessMessages.SummaryEmail(summary);
                Send(UnusualAccessMessages.SummaryEvent(id, summary), subject, body);
            }
        }
    }

    private void Send(ConfidantEvent change, string subject, string body)
    {
        if (_events.Wants(EventTypes.UnusualAccess))
        {
            _events.Publish(change);
        }

        if (_contacts.Length > 0)
        {
            _email.Send(new EmailMessage(change.Id, EventTypes.UnusualAccess, _contacts, subject, body));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unusual access: queue full, the flag of record {ChainId}/{Sequence} not sent")]
    private static partial void LogDropped(ILogger logger, string chainId, long sequence);
}
