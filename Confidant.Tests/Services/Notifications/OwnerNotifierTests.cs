using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Owners;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;

namespace Confidant.Tests.Services.Notifications;

/// <summary>
/// Telling an incident's owners: one message to every address the owners resolve to (groups through the map, the
/// rest reported), the admin's edit of the default text, the signed <c>incident_opened</c> event, and the audit record.
/// Through a real SMTP server and a real webhook receiver; never a value in either.
/// </summary>
public sealed class OwnerNotifierTests : IAsyncLifetime
{
    private const string Value = "hunter2-the-exposed-value";
    private static readonly ConfidantPrincipal Admin = ConfidantPrincipal.ForUser("admin@example.com", roles: new HashSet<string> { ConfidantRoles.Admin });

    private NotificationHost _notify = null!;

    public async Task InitializeAsync() => _notify = await NotificationHost.StartAsync((smtp, hooks) => NotificationSettings.Smtp(
            smtp,
            [
                ("Notifications:Groups:payments:0", "pay-lead@example.com"),
                ("Notifications:Groups:payments:1", "pay-oncall@example.com"),
                .. NotificationSettings.Webhook(hooks, "incidents", "incident_opened"),
            ]));

    public async Task DisposeAsync() => await _notify.DisposeAsync();

    private SmtpReceiver Smtp => _notify.Smtp;

    private WebhookReceiver Hooks => _notify.Hooks;

    private DomainHost Host => _notify.Host;

    [Fact]
    public async Task Send_OneMessageToEveryResolvedAddress_AndASignedEvent_WithoutValues()
    {
        var incident = await IncidentAsync();

        var sent = await Notifier.SendAsync(Admin, incident, subject: null, body: null);

        Assert.Equal(["dba@example.com", "pay-lead@example.com", "pay-oncall@example.com"], sent.EmailedTo);
        Assert.Equal(["platform-team"], sent.Unresolved);
        Assert.True(sent.Webhook);

        var mail = await Smtp.NextAsync();
        Assert.Equal(["dba@example.com", "pay-lead@example.com", "pay-oncall@example.com"], mail.EnvelopeTo);
        Assert.Equal("Rotate exposed secrets (incident INC-42)", mail.Message.Subject);
        Assert.Contains("Why: laptop with a copy of the .env file was stolen", mail.Body, StringComparison.Ordinal);
        Assert.Contains($"- credential prod-db ({incident.Resources[0].Id}): password; used by billing", mail.Body, StringComparison.Ordinal);
        Assert.Contains($"- credential stripe ({incident.Resources[1].Id}): api_key, webhook_secret", mail.Body, StringComparison.Ordinal);
        Assert.False(Smtp.HasPending);

        var hook = await Hooks.NextAsync("incidents");
        Assert.Equal(Sign(hook), hook.Header("Confidant-Signature"));
        Assert.Equal(sent.EventId, hook.Header("Confidant-Event-Id"));
        var payload = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal("incident_opened", payload.GetProperty("event_type").GetString());
        Assert.Equal("INC-42", payload.GetProperty("incident").GetString());
        Assert.Equal("laptop with a copy of the .env file was stolen", payload.GetProperty("reason").GetString());
        Assert.Equal(["dba@example.com", "Payments", "platform-team"], payload.GetProperty("owners").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal([incident.Resources[0].Id, incident.Resources[1].Id], payload.GetProperty("credentials").EnumerateArray().Select(o => o.GetString()));
        var resource = payload.GetProperty("resources")[1];
        Assert.Equal(("credential", "stripe"), (resource.GetProperty("type").GetString(), resource.GetProperty("name").GetString()));
        Assert.Equal(["api_key", "webhook_secret"], resource.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));

        Assert.DoesNotContain(Value, hook.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, mail.Message.ToString(), StringComparison.Ordinal);

        // Both channels under one event id in the delivery log.
        var attempts = await DeliveryLogWatch.WaitForAsync(Host.Get<DeliveryLogReader>(), sent.EventId, 2);
        Assert.Equal([DeliveryChannels.Email, DeliveryChannels.Webhook], attempts.Select(a => a.Channel).Order());
        Assert.All(attempts, a => Assert.Equal(DeliveryOutcomes.Delivered, a.Outcome));
    }

    [Fact]
    public async Task Send_EditedText_IsWhatArrives_WithItsPlaceholdersFilled()
    {
        var incident = await IncidentAsync();

        await Notifier.SendAsync(Admin, incident, "  Please rotate now: {incident}  ", "Dear owners,\n\nthe keys of {incident} leaked ({reason}).\nCall me.\n");

        var mail = await Smtp.NextAsync();
        Assert.Equal("Please rotate now: INC-42", mail.Message.Subject);
        Assert.Equal("Dear owners,\n\nthe keys of INC-42 leaked (laptop with a copy of the .env file was stolen).\nCall me.", mail.Body.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public async Task Draft_TheDefaultTextFilled_WithWhoWouldGetIt()
    {
        var incident = await IncidentAsync();

        var draft = Notifier.Draft(Admin, incident);

        Assert.Equal("Rotate exposed secrets (incident INC-42)", draft.Subject);
        Assert.StartsWith("Hello,\n\nSecrets that you own in Confidant were exposed (incident INC-42).", draft.Body, StringComparison.Ordinal);
        Assert.Equal(["dba@example.com", "pay-lead@example.com", "pay-oncall@example.com"], draft.Recipients);
        Assert.Equal(["platform-team"], draft.Unresolved);
        Assert.True(draft.EmailEnabled);
        Assert.True(draft.Webhook);
        Assert.False(Smtp.HasPending);
    }

    [Theory]
    [InlineData("two\nlines", "body", "subject must be one line of 1 to 200 characters.")]
    [InlineData("   ", "body", "subject must be one line of 1 to 200 characters.")]
    [InlineData("subject", " \n ", "message must be 1 to 20000 characters.")]
    public async Task Send_UnusableText_BadRequestAndNothingSent(string subject, string body, string message)
    {
        var incident = await IncidentAsync();

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Notifier.SendAsync(Admin, incident, subject, body));

        Assert.Equal((ConfidantErrorKind.BadRequest, message), (error.Kind, error.Message));
        Assert.False(Smtp.HasPending);
        Assert.False(Hooks.HasPending("incidents"));
    }

    [Fact]
    public async Task Send_NobodyReachable_BadRequestNamingTheUnresolvedOwners()
    {
        await using var host = await DomainHost.StartAsync();
        var incident = new IncidentNotice("INC-7", "leak", [new IncidentNoticeResource("credential", "c1", "db", ["password"], ["platform-team"], [])]);

        var error = await Assert.ThrowsAsync<ConfidantException>(() => host.Get<OwnerNotifier>().SendAsync(Admin, incident, null, null));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal("Nobody to notify for incident INC-7: e-mail is not configured (unresolved: platform-team) and no webhook endpoint takes incident_opened.", error.Message);
    }

    [Fact]
    public async Task Send_EverythingRotated_BadRequestAndNothingSent()
    {
        var rotated = new IncidentNotice("INC-42", "laptop stolen", []);

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Notifier.SendAsync(Admin, rotated, null, null));

        Assert.Equal((ConfidantErrorKind.BadRequest, "Incident INC-42 has nothing left to rotate: nobody to ask."), (error.Kind, error.Message));
        Assert.False(Hooks.HasPending("incidents"));
    }

    [Fact]
    public async Task Send_ByAnEditor_ForbiddenAndRecordedAsDenied()
    {
        var incident = await IncidentAsync();
        var editor = ConfidantPrincipal.ForUser("ed@example.com", roles: new HashSet<string> { ConfidantRoles.Editor });

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Notifier.SendAsync(editor, incident, null, null));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.False(Notifier.CanNotify(editor));
        var record = Assert.Single(await NotifyRecordsAsync());
        Assert.Equal((AuditOutcomes.Denied, "ed@example.com", "incident", "INC-42"), (record.Entry.Outcome, record.Entry.Actor.Name, record.Entry.ResourceType, record.Entry.ResourceId));
        Assert.False(Smtp.HasPending);
    }

    [Fact]
    public async Task Send_IsAudited_WithWhoWasTold()
    {
        var incident = await IncidentAsync();

        var sent = await Notifier.SendAsync(Admin, incident, null, null);

        var record = Assert.Single(await NotifyRecordsAsync());
        Assert.Equal((AuditOutcomes.Succeeded, "admin@example.com", "INC-42"), (record.Entry.Outcome, record.Entry.Actor.Name, record.Entry.ResourceId));
        Assert.Equal(
            $"event {sent.EventId}; e-mail to dba@example.com, pay-lead@example.com, pay-oncall@example.com; unresolved: platform-team; webhook incident_opened",
            record.Entry.Detail);
    }

    private OwnerNotifier Notifier => Host.Get<OwnerNotifier>();

    /// <summary>Two credentials with owners in their metadata, one mapped to a service, as the exposure work describes them.</summary>
    private async Task<IncidentNotice> IncidentAsync()
    {
        var credentials = Host.Get<CredentialService>();
        var db = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("password", Value)) with
        {
            Metadata = TestData.Json("""{"owner": "dba@example.com payments"}"""),
        });
        var stripe = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("stripe", ("api_key", "k"), ("webhook_secret", "w")) with
        {
            Metadata = TestData.Json("""{"owner": "payments, platform-team"}"""),
        });
        return new IncidentNotice("INC-42", "laptop with a copy of the .env file was stolen",
        [
            new IncidentNoticeResource("credential", db.Item.Id, "prod-db", ["password"], ["dba@example.com", "Payments"], ["billing"]),
            new IncidentNoticeResource("credential", stripe.Item.Id, "stripe", ["api_key", "webhook_secret"], ["payments", "platform-team"], []),
        ]);
    }

    private async Task<IReadOnlyList<AuditRecord>> NotifyRecordsAsync() =>
        (await Host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.NotifyOwners })).Records;

    /// <summary>The signature header as the receiver recomputes it with the endpoint's secret.</summary>
    private static string Sign(ReceivedWebhook hook)
    {
        var timestamp = hook.Header("Confidant-Signature")!.Split(',')[0]["t=".Length..];
        byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. hook.Body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookReceiver.Secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
