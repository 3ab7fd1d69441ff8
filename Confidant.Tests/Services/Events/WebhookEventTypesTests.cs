using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Owners;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Events;

/// <summary>The event types beyond the original's: sent to Confidant-format endpoints only, never in the original's format.</summary>
public sealed class WebhookEventTypesTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task IncidentOpened_ReachesUnfilteredSignedEndpoints_NotAnOriginalOne()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Events:Webhooks:original:Url"] = _receiver.Url("original"),
            ["Events:Webhooks:original:Format"] = "Original",
            ["Events:Webhooks:all:Url"] = _receiver.Url("all"),
            ["Events:Webhooks:all:Secret"] = WebhookReceiver.Secret,
        });
        var admin = ConfidantPrincipal.ForUser("admin@example.com", roles: new HashSet<string> { ConfidantRoles.Admin });
        var incident = new IncidentNotice("INC-3", "leak", [new IncidentNoticeResource("credential", "c1", "db", ["password"], [], [])]);

        await host.Get<OwnerNotifier>().SendAsync(admin, incident, null, null);
        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());

        Assert.Equal("incident_opened", (await _receiver.NextAsync("all")).Header("Confidant-Event-Type"));
        Assert.Equal("service_update", (await _receiver.NextAsync("all")).Header("Confidant-Event-Type"));
        Assert.Contains("\"event_type\": \"service_update\"", (await _receiver.NextAsync("original")).Text, StringComparison.Ordinal);
        Assert.False(_receiver.HasPending("original"));
    }

    [Fact]
    public async Task OriginalEndpoint_NamingANewEventType_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Events:Webhooks:original:Url"] = _receiver.Url("original"),
            ["Events:Webhooks:original:Format"] = "Original",
            ["Events:Webhooks:original:Events:0"] = "unusual_access",
        }));

        Assert.Contains(
            "Events:Webhooks:original:Events names 'unusual_access', which the original's format cannot carry (set Events:Webhooks:original:Format to Confidant).",
            error.Failures);
    }
}
