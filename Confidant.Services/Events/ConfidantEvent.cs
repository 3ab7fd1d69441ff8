using System.Text.Json;
using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Services.Events;

/// <summary>
/// Something that happened to Confidant's resources, told to the configured webhook endpoints. It names resources by
/// id and the person or workload who acted, never a secret value.
/// </summary>
/// <param name="Id">Random, so a receiver can drop a delivery it already has (a retry after a lost answer).</param>
/// <param name="Type">One of <see cref="EventTypes"/>.</param>
/// <param name="OccurredAt">When the change was stored.</param>
/// <param name="Actor">Who made it: a person's name or a workload's.</param>
/// <param name="Services">The services concerned (spec §9.8: the services mapping the changed resource).</param>
/// <param name="Credentials">The credentials concerned (spec §9.8).</param>
/// <param name="Details">
/// The further fields of event types beyond the original's (a JSON object whose properties follow the common ones in
/// the signed payload); never a value.
/// </param>
public sealed record ConfidantEvent(
    string Id,
    string Type,
    DateTimeOffset OccurredAt,
    string Actor,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Credentials,
    JsonElement? Details = null) : IDeliverable;

/// <summary>Event types. The first three are the original's webhook occasions (spec §9.8), with its names.</summary>
public static class EventTypes
{
    /// <summary>A credential mapped to at least one service was updated or reverted.</summary>
    public const string CredentialUpdate = "credential_update";

    /// <summary>A blind credential mapped to at least one service was updated or reverted.</summary>
    public const string BlindCredentialUpdate = "blind_credential_update";

    /// <summary>A service was created, updated or reverted.</summary>
    public const string ServiceUpdate = "service_update";

    /// <summary>The owners of an incident's exposed secrets were asked to rotate them (its reason, resources, owners).</summary>
    public const string IncidentOpened = "incident_opened";

    /// <summary>A delivery was flagged unusual in the audit trail (first access, or over the rate), or a summary of several.</summary>
    public const string UnusualAccess = "unusual_access";

    /// <summary>The occasions of the original's webhook, the only ones an endpoint in its format is sent.</summary>
    public static IReadOnlyList<string> Original { get; } = [CredentialUpdate, BlindCredentialUpdate, ServiceUpdate];

    public static IReadOnlyList<string> All { get; } = [.. Original, IncidentOpened, UnusualAccess];
}
