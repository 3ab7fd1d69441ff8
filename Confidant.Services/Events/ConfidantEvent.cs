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
public sealed record ConfidantEvent(
    string Id,
    string Type,
    DateTimeOffset OccurredAt,
    string Actor,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Credentials);

/// <summary>Event types. The first three are the original's webhook occasions (spec §9.8), with its names.</summary>
public static class EventTypes
{
    /// <summary>A credential mapped to at least one service was updated or reverted.</summary>
    public const string CredentialUpdate = "credential_update";

    /// <summary>A blind credential mapped to at least one service was updated or reverted.</summary>
    public const string BlindCredentialUpdate = "blind_credential_update";

    /// <summary>A service was created, updated or reverted.</summary>
    public const string ServiceUpdate = "service_update";

    public static IReadOnlyList<string> All { get; } = [CredentialUpdate, BlindCredentialUpdate, ServiceUpdate];
}
