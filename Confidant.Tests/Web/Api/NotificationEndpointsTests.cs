using System.Net;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// GET /v1/notifications/deliveries and GET / POST /v1/incidents/{ref}/notify: admins read the delivery log and tell
/// an incident's owners, the incident being one opened by marking credentials exposed over REST; the message reaches a
/// real SMTP server on loopback and the signed event a real HTTP receiver. Bad input is a 400 in the documented shape
/// and changes nothing.
/// </summary>
public sealed class NotificationEndpointsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private WebhookReceiver _hooks = null!;
    private SmtpReceiver _smtp = null!;
    private ApiTestHost _host = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _hooks = await WebhookReceiver.StartAsync();
        _smtp = await SmtpReceiver.StartAsync();
        _host = ApiTestHost.Create(NotificationSettings.Smtp(_smtp, NotificationSettings.Webhook(_hooks, "incidents", "incident_opened")));
        _alice = await _host.UserClientAsync("alice");
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
        await _hooks.DisposeAsync();
    }

    [Fact]
    public async Task ListDeliveries_Admin_EveryFieldNewestFirst_PagedToTheEnd()
    {
        var retrying = Attempt(1, Start, DeliveryOutcomes.Retrying, "503", null, Start.AddSeconds(1));
        var delivered = Attempt(2, Start.AddSeconds(1), DeliveryOutcomes.Delivered, "200", null, null);
        await _host.Get<IDeliveryLogStore>().AppendAsync([retrying, delivered]);
        var first = (await _alice.GetWireAsync("/v1/notifications/deliveries?limit=1")).AssertSchema();
        var next = first.GetProperty("next_page").GetString()!;
        var second = (await _alice.GetWireAsync("/v1/notifications/deliveries?limit=1&page=" + Uri.EscapeDataString(next))).AssertSchema();

        WireResponse.AssertFields(first, "deliveries", "next_page");
        var newest = Assert.Single(first.GetProperty("deliveries").EnumerateArray());
        WireResponse.AssertFields(newest, "id", "event_id", "event_type", "channel", "endpoint", "attempt", "time", "outcome", "status", "error", "next_retry");
        Assert.Equal((delivered.Id, 2, "delivered", "200"), (newest.GetProperty("id").GetString(), newest.GetProperty("attempt").GetInt32(),
            newest.GetProperty("outcome").GetString(), newest.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("next_retry").ValueKind);
        var oldest = Assert.Single(second.GetProperty("deliveries").EnumerateArray());
        Assert.Equal((retrying.Id, "retrying", "webhook", "ops"), (oldest.GetProperty("id").GetString(), oldest.GetProperty("outcome").GetString(),
            oldest.GetProperty("channel").GetString(), oldest.GetProperty("endpoint").GetString()));
        WireResponse.AssertIsoDate(oldest.GetProperty("time"));
        WireResponse.AssertIsoDate(oldest.GetProperty("next_retry"));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_page").ValueKind);

        var filtered = (await _alice.GetWireAsync($"/v1/notifications/deliveries?outcome=retrying&event_id={retrying.EventId}&channel=webhook&endpoint=ops")).AssertSchema();
        Assert.Equal([retrying.Id], filtered.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("limit=0", "limit must be a whole number from 1 to 1000.")]
    [InlineData("limit=many", "limit must be a whole number from 1 to 1000.")]
    [InlineData("outcome=lost", "outcome must be one of delivered, retrying, failed, refused.")]
    [InlineData("channel=pigeon", "channel must be one of webhook, email.")]
    [InlineData("endpoint=a&endpoint=b", "endpoint may be given once.")]
    [InlineData("page=not-a-token", "Failed to parse page")]
    public async Task ListDeliveries_BadParameter_400NamingIt(string parameters, string message)
    {
        (await _alice.GetWireAsync("/v1/notifications/deliveries?" + parameters)).AssertError(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task ListDeliveries_EditorOrService_403()
    {
        using var editor = await _host.SessionClientAsync("carol@example.com", ConfidantRoles.Editor);
        using var service = await _host.ServiceClientAsync("billing");

        (await editor.GetWireAsync("/v1/notifications/deliveries")).AssertError(HttpStatusCode.Forbidden, "carol@example.com does not have access to the delivery log");
        (await service.GetWireAsync("/v1/notifications/deliveries")).AssertError(HttpStatusCode.Forbidden, "billing does not have access to the delivery log");
    }

    [Fact]
    public async Task GetOwnerMessage_TheDefaultToEdit_ForTheOwnersInTheMetadata()
    {
        var stripe = await OpenIncidentAsync();

        var draft = (await _alice.GetWireAsync("/v1/incidents/INC-5/notify")).AssertSchema();

        WireResponse.AssertFields(draft, "incident", "subject", "message", "recipients", "unresolved", "email_enabled", "webhook");
        Assert.Equal("Rotate exposed secrets (incident INC-5)", draft.GetProperty("subject").GetString());
        Assert.Contains("Why: key in a screenshot", draft.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains($"- credential stripe ({stripe}): api_key; used by billing", draft.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["dba@example.com"], Strings(draft.GetProperty("recipients")));
        Assert.Equal(["ops-team"], Strings(draft.GetProperty("unresolved")));
        Assert.Equal((true, true), (draft.GetProperty("email_enabled").GetBoolean(), draft.GetProperty("webhook").GetBoolean()));
    }

    [Fact]
    public async Task NotifyOwners_IncidentFromExposureMarks_MailToTheOwnerAndSignedEvent_OnlyWhatIsPending()
    {
        var stripe = await OpenIncidentAsync();
        var db = await CreateAsync("db", "password", "p1", "other@example.com");
        (await _alice.PostWireAsync($"/v1/credentials/{db}/exposure", """{"reason": "key in a screenshot", "incident": "INC-5"}""")).AssertSchema();
        (await _alice.PutWireAsync($"/v1/credentials/{db}", """{"credential_pairs": {"password": "p2"}}""")).AssertSchema();

        var sent = (await _alice.PostWireAsync("/v1/incidents/INC-5/notify", """{"subject": "Rotate now", "message": "See {incident}: {resources}"}""")).AssertSchema();

        WireResponse.AssertFields(sent, "incident", "event_id", "emailed_to", "unresolved", "webhook");
        Assert.Equal(["dba@example.com"], Strings(sent.GetProperty("emailed_to")));
        Assert.True(sent.GetProperty("webhook").GetBoolean());

        // The rotated credential and its owner are left out: only what is still pending is asked for.
        var mail = await _smtp.NextAsync();
        Assert.Equal(["dba@example.com"], mail.EnvelopeTo);
        Assert.Equal("Rotate now", mail.Message.Subject);
        Assert.Equal($"See INC-5: - credential stripe ({stripe}): api_key; used by billing", mail.Body.TrimEnd('\r', '\n'));
        Assert.False(_smtp.HasPending);

        var hook = await _hooks.NextAsync("incidents");
        Assert.True(hook.SignedWith(WebhookReceiver.Secret), "the receiver's check of the signature");
        Assert.Equal(sent.GetProperty("event_id").GetString(), hook.Header("Confidant-Event-Id"));
        var payload = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal(("incident_opened", "INC-5", "key in a screenshot"), (payload.GetProperty("event_type").GetString(),
            payload.GetProperty("incident").GetString(), payload.GetProperty("reason").GetString()));
        var resource = Assert.Single(payload.GetProperty("resources").EnumerateArray());
        Assert.Equal((stripe, "stripe"), (resource.GetProperty("id").GetString(), resource.GetProperty("name").GetString()));
        Assert.Equal(["api_key"], Strings(resource.GetProperty("keys")));
        Assert.Equal(["dba@example.com", "ops-team"], Strings(resource.GetProperty("owners")));
        Assert.Equal(["billing"], Strings(resource.GetProperty("services")));
        Assert.DoesNotContain("sk_live_exposed", hook.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyOwners_EveryExposedKeyRotated_400AndNothingSent()
    {
        var stripe = await OpenIncidentAsync();
        (await _alice.PutWireAsync($"/v1/credentials/{stripe}", """{"credential_pairs": {"api_key": "sk_live_new"}}""")).AssertSchema();

        (await _alice.PostWireAsync("/v1/incidents/INC-5/notify", "{}"))
            .AssertError(HttpStatusCode.BadRequest, "Incident INC-5 has nothing left to rotate: nobody to ask.", "INC-5");
        Assert.False(_hooks.HasPending("incidents"));
        Assert.False(_smtp.HasPending);
    }

    [Theory]
    [InlineData("""{"message": 7}""", "message must be a string")]
    [InlineData("""{"subject": "two\nlines"}""", "subject must be one line of 1 to 200 characters.")]
    [InlineData("""[1]""", "request body must be a JSON object")]
    public async Task NotifyOwners_BadBody_400AndNothingSent(string body, string message)
    {
        await OpenIncidentAsync();

        (await _alice.PostWireAsync("/v1/incidents/INC-5/notify", body)).AssertError(HttpStatusCode.BadRequest, message);
        Assert.False(_hooks.HasPending("incidents"));
        Assert.False(_smtp.HasPending);
    }

    [Fact]
    public async Task NotifyOwners_UnknownIncident_404()
    {
        (await _alice.PostWireAsync("/v1/incidents/INC-404/notify", "{}")).AssertError(HttpStatusCode.NotFound, "No exposure mark names incident INC-404.", "INC-404");
    }

    [Fact]
    public async Task NotifyOwners_Editor_403AndNothingSent()
    {
        await OpenIncidentAsync();
        using var editor = await _host.SessionClientAsync("carol@example.com", ConfidantRoles.Editor);

        (await editor.PostWireAsync("/v1/incidents/INC-5/notify", "{}"))
            .AssertError(HttpStatusCode.Forbidden, "carol@example.com may not notify the owners of incident INC-5", "INC-5");
        Assert.False(_hooks.HasPending("incidents"));
    }

    [Fact]
    public async Task AnyNotificationRoute_MalformedInput_NoServerErrorAndEveryErrorShaped()
    {
        await OpenIncidentAsync();
        using var alice = await _host.UserClientAsync("alice");
        string[] references = ["%2F", "%FF", "..", "a%0Ab", new string('x', 5000), "INC-5%3Bdrop"];
        string[] queries = ["page=%FF%FE", "page=MTIzOnh5eg", "page=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk6YQ", "limit=-1", "limit=1e3", "event_id=%00", "endpoint=" + new string('e', 3000), "outcome=", "channel=email&channel=webhook"];
        string[] bodies = ["{", "null", "\"text\"", "{\"subject\": null, \"message\": {}}", "{\"subject\": [\"a\"]}", "{\"message\": \"" + new string('m', 20_001) + "\"}"];
        var requests = references.SelectMany(r => new[] { (HttpMethod.Get, $"/v1/incidents/{r}/notify", (string?)null), (HttpMethod.Post, $"/v1/incidents/{r}/notify", "{}") })
            .Concat(queries.Select(q => (HttpMethod.Get, "/v1/notifications/deliveries?" + q, (string?)null)))
            .Concat(bodies.Select(b => (HttpMethod.Post, "/v1/incidents/INC-5/notify", (string?)b)));

        foreach (var (method, path, body) in requests)
        {
            var response = await WireRequests.SendAsync(_alice, method, path, body is null ? null : WireRequests.ClientJson(body));
            Assert.True((int)response.Status < 500, $"{method} {path[..Math.Min(path.Length, 80)]} → {(int)response.Status} {response.Body}");
            if ((int)response.Status >= 400)
            {
                // spec §1.4: {"error": "..."}, or the bare {} of a path no route matches.
                var json = response.Json;
                Assert.True(
                    !json.EnumerateObject().Any() || json.GetProperty("error").ValueKind == JsonValueKind.String,
                    $"{method} {path[..Math.Min(path.Length, 80)]} → {response.Body}");
            }
        }

        Assert.False(_hooks.HasPending("incidents"));
        Assert.False(_smtp.HasPending);
    }

    /// <summary>
    /// Incident INC-5 as an admin opens it: credential stripe, owned by dba@example.com and ops-team (a group nobody
    /// configured), mapped to billing, marked exposed over REST. Returns its id.
    /// </summary>
    private async Task<string> OpenIncidentAsync()
    {
        var stripe = await CreateAsync("stripe", "api_key", "sk_live_exposed", "dba@example.com, ops-team");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [stripe] });
        (await _alice.PostWireAsync($"/v1/credentials/{stripe}/exposure", """{"reason": "key in a screenshot", "incident": "INC-5"}""")).AssertSchema();
        return stripe;
    }

    private async Task<string> CreateAsync(string name, string key, string value, string owner) =>
        (await _alice.PostWireAsync("/v1/credentials", JsonSerializer.Serialize(new
        {
            name,
            credential_pairs = new Dictionary<string, string> { [key] = value },
            metadata = new { owner },
        }))).AssertSchema().GetProperty("id").GetString()!;

    private static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString());

    private static DeliveryAttempt Attempt(int attempt, DateTimeOffset time, string outcome, string? status, string? error, DateTimeOffset? next) =>
        new(DeliveryAttemptIds.New(), "0123456789abcdef0123456789abcdef", "service_update", DeliveryChannels.Webhook, "ops", attempt, time, outcome, status, error, next);
}
