using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Notifications.Owners;

namespace Confidant.Tests.Support.Notifications;

/// <summary>
/// The exposure area's side of the <see cref="IIncidentNotices"/> seam, holding fixed notices in place of the marks
/// that would name them; others are not found, as there.
/// </summary>
public sealed class KnownIncidents(params IncidentNotice[] notices) : IIncidentNotices
{
    public Task<IncidentNotice> GetAsync(ConfidantPrincipal caller, string reference, CancellationToken cancellationToken = default) =>
        notices.FirstOrDefault(n => n.Reference == reference) is { } notice
            ? Task.FromResult(notice)
            : throw ConfidantException.NotFound($"No exposure mark names incident {reference}.", reference);
}
