using System.Net;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Owners;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// GET /v1/notifications/deliveries and GET / POST /v1/incidents/{ref}/notify: admins read the delivery log and tell
/// an incident's owners; bad input is a 400 in the documented shape and changes nothing.
/// </summary>
public sealed class NotificationEndpointsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IncidentNotice Incident = new(
        "INC-5", "key in a screenshot", [new IncidentNoticeResource("credential", "0123456789abcdef0123456789abcdef", "stripe", ["api_key"], ["ops-team"], [])]);

    private WebhookReceiver _hooks = null!;
    private ApiTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _hooks = await WebhookReceiver.StartAsync();
        _host = ApiTestHost.Create(
            NotificationSettings.Webhook(_hooks, "incidents", "incident_opened").ToDictionary(s => s.Key, s => s.Value),
            configureServices: services => services.AddSingleton<IIncidentNotices>(new KnownIncidents(Incident)));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _hooks.DisposeAsync();
    }

    [Fact]
    public async Task ListDeliveries_Admin_EveryFieldNewestFirst_PagedToTheEnd()
    {
        var retrying = Attempt(1, Start, DeliveryOutcomes.Retrying, "503", null, Start.AddSeconds(1));
        var delivered = Attempt(2, Start.AddSeconds(1), DeliveryOutcomes.Delivered, "200", null, null);
        await _host.Get<IDeliveryLogStore>().AppendAsync([retrying, delivered]);
        using var alice = await _host.UserClientAsync("alice");

        var first = (await alice.GetWireAsync("/v1/notifications/deliveries?limit=1")).AssertSchema();
        var next = first.GetProperty("next_page").GetString()!;
        var second = (await alice.GetWireAsync("/v1/notifications/deliveries?limit=1&page=" + Uri.EscapeDataString(next))).AssertSchema();

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

        var filtered = (await alice.GetWireAsync($"/v1/notifications/deliveries?outcome=retrying&event_id={retrying.EventId}&channel=webhook&endpoint=ops")).AssertSchema();
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
        using var alice = await _host.UserClientAsync("alice");

        (await alice.GetWireAsync("/v1/notifications/deliveries?" + parameters)).AssertError(HttpStatusCode.BadRequest, message);
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
    public async Task GetOwnerMessage_TheDefaultToEdit()
    {
        using var alice = await _host.UserClientAsync("alice");

        var draft = (await alice.GetWireAsync("/v1/incidents/INC-5/notify")).AssertSchema();

        WireResponse.AssertFields(draft, "incident", "subject", "message", "recipients", "unresolved", "email_enabled", "webhook");
        Assert.Equal("Rotate exposed secrets (incident INC-5)", draft.GetProperty("subject").GetString());
        Assert.Contains("Why: key in a screenshot", draft.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["ops-team"], draft.GetProperty("unresolved").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal((false, true), (draft.GetProperty("email_enabled").GetBoolean(), draft.GetProperty("webhook").GetBoolean()));
    }

    [Fact]
    public async Task NotifyOwners_EditedMessage_SentAsTheSignedEvent()
    {
        using var alice = await _host.UserClientAsync("alice");

        var sent = (await alice.PostWireAsync("/v1/incidents/INC-5/notify", """{"subject": "Rotate now", "message": "See {incident}."}""")).AssertSchema();

        WireResponse.AssertFields(sent, "incident", "event_id", "emailed_to", "unresolved", "webhook");
        Assert.True(sent.GetProperty("webhook").GetBoolean());
        var hook = await _hooks.NextAsync("incidents");
        Assert.Equal(sent.GetProperty("event_id").GetString(), hook.Header("Confidant-Event-Id"));
        Assert.Equal("INC-5", JsonDocument.Parse(hook.Body).RootElement.GetProperty("incident").GetString());
    }

    [Theory]
    [InlineData("""{"message": 7}""", "message must be a string")]
    [InlineData("""{"subject": "two\nlines"}""", "subject must be one line of 1 to 200 characters.")]
    [InlineData("""[1]""", "request body must be a JSON object")]
    public async Task NotifyOwners_BadBody_400AndNothingSent(string body, string message)
    {
        using var alice = await _host.UserClientAsync("alice");

        (await alice.PostWireAsync("/v1/incidents/INC-5/notify", body)).AssertError(HttpStatusCode.BadRequest, message);
        Assert.False(_hooks.HasPending("incidents"));
    }

    [Fact]
    public async Task NotifyOwners_UnknownIncident_404()
    {
        using var alice = await _host.UserClientAsync("alice");

        (await alice.PostWireAsync("/v1/incidents/INC-404/notify", "{}")).AssertError(HttpStatusCode.NotFound, "No exposure mark names incident INC-404.", "INC-404");
    }

    [Fact]
    public async Task NotifyOwners_Editor_403AndNothingSent()
    {
        using var editor = await _host.SessionClientAsync("carol@example.com", ConfidantRoles.Editor);

        (await editor.PostWireAsync("/v1/incidents/INC-5/notify", "{}"))
            .AssertError(HttpStatusCode.Forbidden, "carol@example.com may not notify the owners of incident INC-5", "INC-5");
        Assert.False(_hooks.HasPending("incidents"));
    }

    [Fact]
    public async Task NotifyOwners_WithoutTheExposureArea_NoIncidentIsFound()
    {
        await using var host = ApiTestHost.Create();
        using var alice = await host.UserClientAsync("alice");

        (await alice.GetWireAsync("/v1/incidents/INC-5/notify")).AssertError(HttpStatusCode.NotFound, "No exposure mark names incident INC-5.", "INC-5");
    }

    [Fact]
    public async Task AnyNotificationRoute_MalformedInput_NoServerErrorAndEveryErrorShaped()
    {
        using var alice = await _host.UserClientAsync("alice");
        string[] references = ["%2F", "%FF", "..", "a%0Ab", new string('x', 5000), "INC-5%3Bdrop"];
        string[] queries = ["page=%FF%FE", "page=MTIzOnh5eg", "page=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk6YQ", "limit=-1", "limit=1e3", "event_id=%00", "endpoint=" + new string('e', 3000), "outcome=", "channel=email&channel=webhook"];
        string[] bodies = ["{", "null", "\"text\"", "{\"subject\": null, \"message\": {}}", "{\"subject\": [\"a\"]}", "{\"message\": \"" + new string('m', 20_001) + "\"}"];
        var requests = references.SelectMany(r => new[] { (HttpMethod.Get, $"/v1/incidents/{r}/notify", (string?)null), (HttpMethod.Post, $"/v1/incidents/{r}/notify", "{}") })
            .Concat(queries.Select(q => (HttpMethod.Get, "/v1/notifications/deliveries?" + q, (string?)null)))
            .Concat(bodies.Select(b => (HttpMethod.Post, "/v1/incidents/INC-5/notify", (string?)b)));

        foreach (var (method, path, body) in requests)
        {
            var response = await WireRequests.SendAsync(alice, method, path, body is null ? null : WireRequests.ClientJson(body));
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
    }

    private static DeliveryAttempt Attempt(int attempt, DateTimeOffset time, string outcome, string? status, string? error, DateTimeOffset? next) =>
        new(DeliveryAttemptIds.New(), "0123456789abcdef0123456789abcdef", "service_update", DeliveryChannels.Webhook, "ops", attempt, time, outcome, status, error, next);
}
