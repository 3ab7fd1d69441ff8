using Confidant.Services.Authorization;

namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// Where the notice of an incident comes from: the exposure marks that name it, their reasons, the resources with
/// their pending keys, owners and services (<see cref="ExposureIncidentNotices"/>, over the incident's progress).
/// </summary>
public interface IIncidentNotices
{
    /// <summary>The notice of incident <paramref name="reference"/>; 404 when no mark names it, 403 when the caller may not read it.</summary>
    Task<IncidentNotice> GetAsync(ConfidantPrincipal caller, string reference, CancellationToken cancellationToken = default);
}
