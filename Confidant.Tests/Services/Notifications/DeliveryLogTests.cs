using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;

namespace Confidant.Tests.Services.Notifications;

/// <summary>The delivery log's writer: attempts stored as senders make them, and attempts past the retention deleted.</summary>
public sealed class DeliveryLogTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Write_DeletesAttemptsOlderThanTheRetention_KeepsTheRest()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>(NotificationSettings.Webhook(_receiver, "ops").ToDictionary(s => s.Key, s => s.Value))
        {
            ["Notifications:DeliveryLog:RetentionDays"] = "7",
        });
        var now = host.Time.GetUtcNow();
        var expired = Attempt(now.AddDays(-8));
        var kept = Attempt(now.AddDays(-6));
        await host.Get<IDeliveryLogStore>().AppendAsync([expired, kept]);

        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());
        var eventId = (await _receiver.NextAsync("ops")).Header("Confidant-Event-Id")!;
        await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), eventId, 1);

        // The writer prunes after the batch it stored: wait until the expired attempt is gone.
        var reader = host.Get<DeliveryLogReader>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IReadOnlyList<DeliveryAttempt> left;
        do
        {
            left = (await reader.QueryAsync(DeliveryLogWatch.Admin, new DeliveryQuery(), deadline.Token)).Attempts;
            await Task.Delay(20, deadline.Token);
        }
        while (left.Any(a => a.Id == expired.Id));

        Assert.Equal([eventId, kept.EventId], left.Select(a => a.EventId));
    }

    private static DeliveryAttempt Attempt(DateTimeOffset time) =>
        new(DeliveryAttemptIds.New(), DeliveryAttemptIds.New(), "service_update", DeliveryChannels.Webhook, "ops", 1, time, DeliveryOutcomes.Delivered, "200", null, null);
}
