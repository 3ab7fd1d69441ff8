using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Events;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Email;

namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// Tells the owners of an incident's exposed secrets to rotate them: one plain message per incident, the configured
/// default or the admin's edit of it, to the owners' addresses (groups resolved, the rest reported unresolved), and the
/// signed webhook event <c>incident_opened</c> (incident, reason, resources, owners; never values). Both go out in the
/// background with retries; each attempt is in the delivery log under the returned event id. Admins only
/// (<c>notification:create</c>); every send is audited.
/// </summary>
public sealed class OwnerNotifier(
    IAclPolicy acl,
    OwnerAddresses addresses,
    OwnerMessage messages,
    IEmailSender email,
    IEventPublisher events,
    AuditRecorder audit,
    TimeProvider time)
{
    /// <summary>The audit trail's resource type for incidents.</summary>
    public const string IncidentResourceType = "incident";

    public bool CanNotify(ConfidantPrincipal caller) => acl.IsAllowed(caller, AclResources.Notification, AclActions.Create);

    /// <summary>The message the owners would get by default, to edit before sending, and who would get it.</summary>
    public OwnerNotificationDraft Draft(ConfidantPrincipal caller, IncidentNotice incident)
    {
        if (!CanNotify(caller))
        {
            throw Refusal(caller, incident.Reference);
        }

        var (subject, body) = messages.Default(incident);
        var recipients = addresses.Resolve(incident.Owners);
        return new OwnerNotificationDraft(
            incident.Reference, subject, body, recipients.Addresses, recipients.Unresolved, email.Enabled, events.Wants(EventTypes.IncidentOpened));
    }

    /// <summary>
    /// Sends the message (<paramref name="subject"/> and <paramref name="body"/> as edited, the defaults when null; their
    /// placeholders are filled in too). Refused with 400, and nothing sent, when the incident has nothing left to rotate,
    /// the text is unusable, or nobody could be reached: no owner resolves to an address (or e-mail is off) and no
    /// webhook endpoint takes <c>incident_opened</c>.
    /// </summary>
    public async Task<OwnerNotification> SendAsync(
        ConfidantPrincipal caller,
        IncidentNotice incident,
        string? subject,
        string? body,
        CancellationToken cancellationToken = default)
    {
        var entry = AuditEntry.For(caller, AuditActions.NotifyOwners, IncidentResourceType, incident.Reference);
        if (!CanNotify(caller))
        {
            throw await audit.DeniedAsync(entry, Refusal(caller, incident.Reference));
        }

        if (incident.Resources.Count == 0)
        {
            throw ConfidantException.BadRequest($"Incident {incident.Reference} has nothing left to rotate: nobody to ask.", incident.Reference);
        }

        var (defaultSubject, defaultBody) = messages.Default(incident);
        var text = (Subject: Text(subject, defaultSubject, incident), Body: Text(body, defaultBody, incident));
        Validate(text.Subject, text.Body, incident.Reference);
        cancellationToken.ThrowIfCancellationRequested();

        var recipients = addresses.Resolve(incident.Owners);
        var mailed = email.Enabled && recipients.Addresses.Count > 0;
        var hooked = events.Wants(EventTypes.IncidentOpened);
        if (!mailed && !hooked)
        {
            throw ConfidantException.BadRequest(
                $"Nobody to notify for incident {incident.Reference}: "
                + (email.Enabled ? "no owner resolves to an e-mail address" : "e-mail is not configured")
                + (recipients.Unresolved.Count > 0 ? $" (unresolved: {string.Join(", ", recipients.Unresolved)})" : string.Empty)
                + " and no webhook endpoint takes incident_opened.",
                incident.Reference);
        }

        var id = DeliveryAttemptIds.New();
        if (mailed)
        {
            email.Send(new EmailMessage(id, EventTypes.IncidentOpened, recipients.Addresses, text.Subject, text.Body));
        }

        if (hooked)
        {
            events.Publish(Event(id, caller, incident));
        }

        var sent = new OwnerNotification(incident.Reference, id, mailed ? recipients.Addresses : [], recipients.Unresolved, hooked);
        await audit.SucceededAsync(entry with { Detail = sent.Describe() });
        return sent;
    }

    private static string Text(string? edited, string fallback, IncidentNotice incident) =>
        edited is null ? fallback : OwnerMessage.Fill(edited, incident).Trim();

    private static void Validate(string subject, string body, string reference)
    {
        if (subject.Length == 0 || subject.Length > OwnerMessage.MaxSubjectLength || subject.IndexOfAny(['\r', '\n']) >= 0)
        {
            throw ConfidantException.BadRequest($"subject must be one line of 1 to {OwnerMessage.MaxSubjectLength} characters.", reference);
        }

        if (body.Length == 0 || body.Length > OwnerMessage.MaxBodyLength)
        {
            throw ConfidantException.BadRequest($"message must be 1 to {OwnerMessage.MaxBodyLength} characters.", reference);
        }
    }

    private ConfidantEvent Event(string id, ConfidantPrincipal caller, IncidentNotice incident)
    {
        var details = JsonSerializer.SerializeToElement(new
        {
            incident = incident.Reference,
            reason = incident.Reason,
            resources = incident.Resources.Select(r => new { type = r.Type, id = r.Id, name = r.Name, keys = r.Keys, owners = r.Owners, services = r.Services }),
            owners = incident.Owners,
        });
        return new ConfidantEvent(
            id,
            EventTypes.IncidentOpened,
            time.GetUtcNow(),
            caller.Name,
            incident.Resources.SelectMany(r => r.Services).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            incident.Resources.Select(r => r.Id).ToList(),
            details);
    }

    private static ConfidantException Refusal(ConfidantPrincipal caller, string reference) =>
        ConfidantException.Forbidden($"{caller.Name} may not notify the owners of incident {reference}", reference);
}

/// <summary>The default message for an incident, who it would go to, and which channels would carry it.</summary>
public sealed record OwnerNotificationDraft(
    string Incident,
    string Subject,
    string Body,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> Unresolved,
    bool EmailEnabled,
    bool Webhook);

/// <summary>What was sent: the event id (in the delivery log and the payload), who was e-mailed, who was not, whether a webhook event went.</summary>
public sealed record OwnerNotification(
    string Incident,
    string EventId,
    IReadOnlyList<string> EmailedTo,
    IReadOnlyList<string> Unresolved,
    bool Webhook)
{
    /// <summary>The audit record's note: the event, the addresses e-mailed, the owners left out, the webhook.</summary>
    public string Describe() =>
        $"event {EventId}; e-mail to {(EmailedTo.Count == 0 ? "nobody" : string.Join(", ", EmailedTo))}"
        + (Unresolved.Count > 0 ? $"; unresolved: {string.Join(", ", Unresolved)}" : string.Empty)
        + (Webhook ? "; webhook incident_opened" : string.Empty);
}
