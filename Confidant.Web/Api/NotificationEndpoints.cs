using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Owners;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>
/// The delivery log of every notification channel, and the message to an incident's owners (the default to edit,
/// and the send), for admins; the domain's <see cref="DeliveryLogReader"/> and <see cref="OwnerNotifier"/> decide.
/// </summary>
public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/notifications/deliveries", ListDeliveries);
        v1.MapGet("/incidents/{reference}/notify", GetOwnerMessage);
        v1.MapPost("/incidents/{reference}/notify", NotifyOwners);
        return v1;
    }

    private static async Task<IResult> ListDeliveries(HttpContext http, DeliveryLogReader deliveries)
    {
        var query = DeliveryQueryParameters.Parse(http.Request.Query);
        var page = await deliveries.QueryAsync(http.ToConfidantPrincipal(), query, http.RequestAborted);
        return ApiResults.Schema(NotificationContract.Deliveries(page));
    }

    private static async Task<IResult> GetOwnerMessage(HttpContext http, string reference, IIncidentNotices incidents, OwnerNotifier owners)
    {
        var caller = http.ToConfidantPrincipal();
        var incident = await incidents.GetAsync(caller, reference, http.RequestAborted);
        return ApiResults.Schema(NotificationContract.Draft(owners.Draft(caller, incident)));
    }

    /// <summary>Body <c>{"subject": "...", "message": "..."}</c>, both optional (the defaults then); an empty body sends the defaults.</summary>
    private static async Task<IResult> NotifyOwners(HttpContext http, string reference, IIncidentNotices incidents, OwnerNotifier owners)
    {
        var caller = http.ToConfidantPrincipal();
        var body = await RequestJson.ReadObjectAsync(http.Request, optional: true);
        var subject = RequestJson.OptionalString(body, "subject");
        var message = RequestJson.OptionalString(body, "message");
        var incident = await incidents.GetAsync(caller, reference, http.RequestAborted);
        var sent = await owners.SendAsync(caller, incident, subject, message, http.RequestAborted);
        return ApiResults.Schema(NotificationContract.Sent(sent));
    }
}
