using Confidant.Services.Authorization;

namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// Where the notice of an incident comes from: the exposure marks that name it, their reasons, the resources with
/// their pending keys, owners and services. Implemented by the exposure area; until one is registered, no incident
/// can be found and <c>POST /v1/incidents/&lt;ref&gt;/notify</c> answers 404.
/// </summary>
public interface IIncidentNotices
{
    /// <summary>The notice of incident <paramref name="reference"/>; 404 when no mark names it, 403 when the caller may not read it.</summary>
    Task<IncidentNotice> GetAsync(ConfidantPrincipal caller, string reference, CancellationToken cancellationToken = default);
}
