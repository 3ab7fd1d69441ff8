using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Email;
using Confidant.Services.Notifications.Owners;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;

namespace Confidant.Tests.Services.Notifications;

/// <summary>
/// Webhook attempts in the delivery log against a real receiver: a 500 then a success, each signed so that the
/// receiver verifies it with the endpoint's secret, both attempts kept across a restart; and a dead endpoint that
/// holds up neither another endpoint, nor e-mail, nor the log.
/// </summary>
public sealed class WebhookDeliveryLogTests : IAsyncLifetime
{
    private static readonly ConfidantPrincipal Admin = ConfidantPrincipal.ForUser("admin@example.com", roles: new HashSet<string> { ConfidantRoles.Admin });

    private WebhookReceiver _receiver = null!;
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("confidant-deliveries-");

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task RetryAfter500_ThenDelivered_BothAttemptsSignedAndLogged_AndKeptAcrossARestart()
    {
        _receiver.FailFirst("ops", 1, 500);
        string eventId;
        await using (var host = await DomainHost.StartAsync(Settings()))
        {
            await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());
            var failed = await _receiver.NextAsync("ops");
            eventId = failed.Header("Confidant-Event-Id")!;
            var first = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), eventId, 1));
            var delivered = await ClockSteps.UntilAsync(host.Time, TimeSpan.FromSeconds(2), wait => _receiver.NextAsync("ops", wait));

            Assert.Equal((500, 200), (failed.Status, delivered.Status));
            Assert.Equal(eventId, delivered.Header("Confidant-Event-Id"));
            Assert.True(failed.SignedWith(WebhookReceiver.Secret), "the first attempt's signature");
            Assert.True(delivered.SignedWith(WebhookReceiver.Secret), "the retry's signature");
            Assert.Equal((DeliveryOutcomes.Retrying, "500"), (first.Outcome, first.Status));
            Assert.InRange(first.NextRetry!.Value, first.Time.AddSeconds(1), first.Time.AddSeconds(2));
            await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), eventId, 2);
        }

        await using var restarted = await DomainHost.StartAsync(Settings());
        var attempts = await DeliveryLogWatch.WaitForAsync(restarted.Get<DeliveryLogReader>(), eventId, 2);
        Assert.Equal(
            [(1, DeliveryOutcomes.Retrying, "500"), (2, DeliveryOutcomes.Delivered, "200")],
            attempts.Select(a => (a.Attempt, a.Outcome, a.Status)));
        Assert.All(attempts, a => Assert.Equal((DeliveryChannels.Webhook, "ops", "service_update"), (a.Channel, a.Endpoint, a.EventType)));
        Assert.Null(attempts[1].NextRetry);
    }

    [Fact]
    public async Task DeadEndpoint_HoldsUpNeitherTheOtherEndpointNorEmailNorTheLog()
    {
        _receiver.Hang("dead");
        await using var smtp = await SmtpReceiver.StartAsync();
        var settings = NotificationSettings.Smtp(smtp, [.. Settings().Select(s => (s.Key, s.Value)), .. NotificationSettings.Webhook(_receiver, "dead")]);
        await using var host = await DomainHost.StartAsync(settings);
        var incident = new IncidentNotice("INC-1", "leak", [new IncidentNoticeResource("credential", "c1", "db", ["password"], ["dba@example.com"], [])]);

        var sent = await host.Get<OwnerNotifier>().SendAsync(Admin, incident, null, null);
        await _receiver.NextAsync("dead");
        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());

        Assert.Equal("incident_opened", (await _receiver.NextAsync("ops")).Header("Confidant-Event-Type"));
        Assert.Equal("service_update", (await _receiver.NextAsync("ops")).Header("Confidant-Event-Type"));
        Assert.Equal(["dba@example.com"], (await smtp.NextAsync()).EnvelopeTo);
        var logged = await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), sent.EventId, 2);
        Assert.Equal([(DeliveryChannels.Email, "smtp"), (DeliveryChannels.Webhook, "ops")], logged.Select(a => (a.Channel, a.Endpoint)).Order());

        // The dead endpoint is still on its first request of the first event: nothing of it in the log yet.
        Assert.False(_receiver.HasPending("dead"));
        Assert.DoesNotContain(logged, a => a.Endpoint == "dead");
        Assert.True(host.Get<IEmailSender>().Enabled);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Sqlite:Path"] = Path.Combine(_data.FullName, "confidant.db"),
        ["Kms:LocalKeyRingPath"] = Path.Combine(_data.FullName, "confidant.keyring.json"),
        ["Events:Webhooks:ops:Url"] = _receiver.Url("ops"),
        ["Events:Webhooks:ops:Secret"] = WebhookReceiver.Secret,
        ["Events:Webhooks:ops:RetryDelaySeconds"] = "2",
    };
}
