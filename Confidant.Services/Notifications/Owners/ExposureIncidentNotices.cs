using Confidant.Services.Authorization;
using Confidant.Services.Exposure;

namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// An incident's notice from its rotation progress (<see cref="IncidentProgress"/>): the resources that still hold an
/// exposed value, with the keys still pending, the owners their metadata names under <c>Exposure:OwnerMetadataKey</c>
/// and the services that map them. Rotated resources are left out: nobody is asked to rotate what is already rotated.
/// The progress applies the ACL (<c>incident:get</c>) and answers 404 for an incident no mark names.
/// </summary>
internal sealed class ExposureIncidentNotices(IncidentProgress progress) : IIncidentNotices
{
    public async Task<IncidentNotice> GetAsync(ConfidantPrincipal caller, string reference, CancellationToken cancellationToken = default)
    {
        var report = await progress.GetAsync(caller, reference, cancellationToken);
        var pending = report.Resources.Where(r => r.PendingKeys.Count > 0).ToList();

        // Reasons of the marks still open, once each, in the order they were marked.
        var reason = string.Join(
            "; ",
            pending.SelectMany(r => r.Marks).Where(m => m.IsActive).OrderBy(m => m.MarkedAt).Select(m => m.Reason).Distinct(StringComparer.Ordinal));
        return new IncidentNotice(
            report.Incident,
            reason,
            pending.Select(r => new IncidentNoticeResource(r.ResourceType, r.Id, r.Name, r.PendingKeys, r.Owners, r.Services)).ToList());
    }
}
