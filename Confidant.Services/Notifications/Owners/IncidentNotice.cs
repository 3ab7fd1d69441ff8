namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// What the owners of an incident are told: its reference, why its secrets count as exposed, and the resources
/// concerned with the keys to rotate, their owners and the services that use them. Names, ids and keys; never values.
/// </summary>
public sealed record IncidentNotice(string Reference, string Reason, IReadOnlyList<IncidentNoticeResource> Resources)
{
    /// <summary>Every owner named by a resource, once each (ignoring case), in order of appearance.</summary>
    public IReadOnlyList<string> Owners => Resources.SelectMany(r => r.Owners).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

/// <summary>
/// One resource of an incident: its type (<c>credential</c>, <c>blind_credential</c>), id and name, the keys whose
/// values must change, its owners (e-mail addresses or group names) and the services that map it.
/// </summary>
public sealed record IncidentNoticeResource(
    string Type,
    string Id,
    string Name,
    IReadOnlyList<string> Keys,
    IReadOnlyList<string> Owners,
    IReadOnlyList<string> Services);
