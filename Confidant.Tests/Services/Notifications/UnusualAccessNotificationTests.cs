using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;

namespace Confidant.Tests.Services.Notifications;

/// <summary>
/// The audit trail's unusual-access flags passed on after real reads: the <c>unusual_access</c> event and the e-mail
/// to the security contacts, and a flood from one principal folded into a few messages and one summary.
/// </summary>
public sealed class UnusualAccessNotificationTests : IAsyncLifetime
{
    private NotificationHost _notify = null!;

    public async Task InitializeAsync() => _notify = await NotificationHost.StartAsync((smtp, hooks) => NotificationSettings.Smtp(
            smtp,
            [
                ("Notifications:SecurityContacts:0", "security@example.com"),
                ("Notifications:SecurityContacts:1", "oncall@example.com"),
                ("Notifications:UnusualAccess:MessagesPerWindow", "2"),
                ("Notifications:UnusualAccess:WindowSeconds", "60"),
                .. NotificationSettings.Webhook(hooks, "soc", "unusual_access"),
            ]));

    public async Task DisposeAsync() => await _notify.DisposeAsync();

    private SmtpReceiver Smtp => _notify.Smtp;

    private WebhookReceiver Hooks => _notify.Hooks;

    private DomainHost Host => _notify.Host;

    [Fact]
    public async Task FirstAccess_ByAWorkloadThroughARealRead_SendsTheEventAndMailsTheContacts()
    {
        var credential = await Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("password", "hunter2")));
        var services = Host.Get<ServiceMappingService>();
        await services.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });

        await services.GetAsync(ConfidantPrincipal.ForService("billing"), "billing");

        var hook = await Hooks.NextAsync("soc");
        var payload = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal("unusual_access", payload.GetProperty("event_type").GetString());
        Assert.Equal("billing", payload.GetProperty("actor").GetString());
        Assert.Equal(["first_access"], payload.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal([credential.Item.Id], payload.GetProperty("credentials").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["billing"], payload.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(("service_read", "service", false, 1), (
            payload.GetProperty("action").GetString(), payload.GetProperty("principal").GetProperty("type").GetString(),
            payload.GetProperty("summary").GetBoolean(), payload.GetProperty("count").GetInt32()));
        Assert.DoesNotContain("hunter2", hook.Text, StringComparison.Ordinal);

        var mail = await Smtp.NextAsync();
        Assert.Equal(["security@example.com", "oncall@example.com"], mail.EnvelopeTo);
        Assert.Equal("Confidant: unusual access (first_access) by billing", mail.Message.Subject);
        Assert.Contains("Who:       billing (service)", mail.Body, StringComparison.Ordinal);
        Assert.Contains($"Delivered: credential {credential.Item.Id} (revision 1)", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", mail.Message.ToString(), StringComparison.Ordinal);

        // A second read by the same workload is no first access: nothing more is sent.
        await services.GetAsync(ConfidantPrincipal.ForService("billing"), "billing");
        await Task.Delay(200);
        Assert.False(Hooks.HasPending("soc"));
        Assert.False(Smtp.HasPending);
    }

    [Fact]
    public async Task Flood_FromOnePrincipal_TwoMessagesThenOneSummaryWhenTheWindowEnds()
    {
        var reader = Host.Get<CredentialReader>();
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential($"c{i}", ("k", "v")))).Item.Id);
        }

        var mallory = ConfidantPrincipal.ForUser("mallory@example.com");
        foreach (var id in ids)
        {
            await reader.GetAsync(mallory, id);
        }

        var singles = new[] { await Hooks.NextAsync("soc"), await Hooks.NextAsync("soc") };
        Assert.All(singles, s => Assert.False(JsonDocument.Parse(s.Body).RootElement.GetProperty("summary").GetBoolean()));
        await Task.Delay(200);
        Assert.False(Hooks.HasPending("soc"));

        Host.Time.Advance(TimeSpan.FromSeconds(65));

        var summary = JsonDocument.Parse((await Hooks.NextAsync("soc")).Body).RootElement;
        Assert.True(summary.GetProperty("summary").GetBoolean());
        Assert.Equal(10, summary.GetProperty("count").GetInt32());
        Assert.Equal(10, summary.GetProperty("by_flag").GetProperty("first_access").GetInt32());
        Assert.Equal("mallory@example.com", summary.GetProperty("principal").GetProperty("name").GetString());
        Assert.Equal(ids[2..], summary.GetProperty("credentials").EnumerateArray().Select(c => c.GetString()));

        var subjects = new[] { await Smtp.NextAsync(), await Smtp.NextAsync(), await Smtp.NextAsync() }.Select(m => m.Message.Subject).ToList();
        Assert.Equal(2, subjects.Count(s => s == "Confidant: unusual access (first_access) by mallory@example.com"));
        Assert.Contains("Confidant: 10 more unusual deliveries to mallory@example.com", subjects);
        await Task.Delay(200);
        Assert.False(Smtp.HasPending);
        Assert.False(Hooks.HasPending("soc"));
    }
}
