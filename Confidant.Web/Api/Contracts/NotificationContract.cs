using System.Text.Json.Nodes;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Owners;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// Notifications on the wire (GET /v1/notifications/deliveries, GET and POST /v1/incidents/{ref}/notify): snake_case
/// fields, ISO-8601 dates, every field present (null when unknown).
/// </summary>
public static class NotificationContract
{
    public static JsonObject Deliveries(DeliveryPage page) => new()
    {
        ["deliveries"] = new JsonArray(page.Attempts.Select(a => (JsonNode?)new JsonObject
        {
            ["id"] = a.Id,
            ["event_id"] = a.EventId,
            ["event_type"] = a.EventType,
            ["channel"] = a.Channel,
            ["endpoint"] = a.Endpoint,
            ["attempt"] = a.Attempt,
            ["time"] = WireJson.IsoDate(a.Time),
            ["outcome"] = a.Outcome,
            ["status"] = a.Status,
            ["error"] = a.Error,
            ["next_retry"] = WireJson.IsoDate(a.NextRetry),
        }).ToArray()),
        ["next_page"] = page.NextPage,
    };

    public static JsonObject Draft(OwnerNotificationDraft draft) => new()
    {
        ["incident"] = draft.Incident,
        ["subject"] = draft.Subject,
        ["message"] = draft.Body,
        ["recipients"] = CredentialContract.StringArray(draft.Recipients),
        ["unresolved"] = CredentialContract.StringArray(draft.Unresolved),
        ["email_enabled"] = draft.EmailEnabled,
        ["webhook"] = draft.Webhook,
    };

    public static JsonObject Sent(OwnerNotification sent) => new()
    {
        ["incident"] = sent.Incident,
        ["event_id"] = sent.EventId,
        ["emailed_to"] = CredentialContract.StringArray(sent.EmailedTo),
        ["unresolved"] = CredentialContract.StringArray(sent.Unresolved),
        ["webhook"] = sent.Webhook,
    };
}
