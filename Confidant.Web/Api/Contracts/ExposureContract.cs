using System.Text.Json.Nodes;
using Confidant.Services.Exposure;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// Exposure on the wire: the <c>exposure</c> field added to credentials, blind credentials and services, the marks,
/// the blast radius (<c>/v1/credentials/{id}/exposure</c>) and incident progress (<c>/v1/incidents</c>). Snake_case
/// fields, every field present (null when unknown), ISO-8601 dates; never a value or a fingerprint.
/// </summary>
public static class ExposureContract
{
    /// <summary>A credential's or blind credential's <c>exposure</c> field; null when not exposed.</summary>
    public static JsonObject? Field(ResourceExposure? exposure, Func<DateTimeOffset?, string?>? date = null) => exposure is null
        ? null
        : new JsonObject
        {
            ["incidents"] = CredentialContract.StringArray(exposure.Incidents),
            ["revisions"] = Numbers(exposure.Revisions),
            ["pending"] = CredentialContract.StringArray(exposure.Pending),
            ["marked_at"] = (date ?? WireJson.IsoDate)(exposure.MarkedAt),
        };

    /// <summary>A service's <c>exposure</c> field; null when nothing it maps is exposed.</summary>
    public static JsonObject? Field(ServiceExposure? exposure) => exposure is null
        ? null
        : new JsonObject
        {
            ["incidents"] = CredentialContract.StringArray(exposure.Incidents),
            ["credentials"] = CredentialContract.StringArray(exposure.Credentials),
            ["blind_credentials"] = CredentialContract.StringArray(exposure.BlindCredentials),
        };

    public static JsonObject Marks(IEnumerable<MarkStatus> marks) => new() { ["marks"] = MarkArray(marks) };

    public static JsonObject Report(ExposureReport report) => new()
    {
        ["resource_type"] = report.ResourceType,
        ["resource_id"] = report.ResourceId,
        ["name"] = report.Name,
        ["marks"] = MarkArray(report.Marks),
        ["blast_radius"] = report.Radius is { } radius
            ? new JsonObject
            {
                ["services_now"] = new JsonArray(radius.ServicesNow.Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["enabled"] = s.Enabled }).ToArray()),
                ["services_at_exposure"] = new JsonArray(radius.ServicesAtExposure
                    .Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["revisions"] = Numbers(s.Revisions) }).ToArray()),
                ["principals"] = AuditContract.Principals(radius.Principals),
                ["duplicates"] = new JsonArray(radius.Duplicates.Select(d => (JsonNode?)new JsonObject
                {
                    ["credential_id"] = d.CredentialId,
                    ["name"] = d.Name,
                    ["keys"] = CredentialContract.StringArray(d.Keys),
                    ["exposed_keys"] = CredentialContract.StringArray(d.ExposedKeys),
                }).ToArray()),
                ["not_fingerprinted"] = radius.NotFingerprinted,
            }
            : null,
    };

    public static JsonObject Incidents(IEnumerable<IncidentSummary> incidents) => new()
    {
        ["incidents"] = new JsonArray(incidents.Select(i => (JsonNode?)new JsonObject
        {
            ["incident"] = i.Incident,
            ["exposed"] = i.Exposed,
            ["rotated"] = i.Rotated,
            ["pending"] = i.Pending,
            ["first_marked_at"] = WireJson.IsoDate(i.FirstMarkedAt),
        }).ToArray()),
    };

    public static JsonObject Incident(IncidentReport report) => new()
    {
        ["incident"] = report.Incident,
        ["exposed"] = report.Exposed,
        ["rotated"] = report.Rotated,
        ["pending"] = report.Pending,
        ["resources"] = new JsonArray(report.Resources.Select(r => (JsonNode?)new JsonObject
        {
            ["resource_type"] = r.ResourceType,
            ["id"] = r.Id,
            ["name"] = r.Name,
            ["archived"] = r.Archived,
            ["rotated"] = r.Rotated,
            ["pending_keys"] = CredentialContract.StringArray(r.PendingKeys),
            ["rotated_keys"] = CredentialContract.StringArray(r.RotatedKeys),
            ["owners"] = CredentialContract.StringArray(r.Owners),
            ["services"] = CredentialContract.StringArray(r.Services),
            ["marks"] = new JsonArray(r.Marks.Select(m => (JsonNode?)Mark(m, null)).ToArray()),
        }).ToArray()),
    };

    private static JsonArray MarkArray(IEnumerable<MarkStatus> marks) =>
        new(marks.Select(m => (JsonNode?)Mark(m.Mark, m)).ToArray());

    private static JsonObject Mark(ExposureMark mark, MarkStatus? status) => new()
    {
        ["id"] = mark.Id,
        ["resource_type"] = mark.ResourceType,
        ["resource_id"] = mark.ResourceId,
        ["incident"] = mark.Incident,
        ["reason"] = mark.Reason,
        ["from_revision"] = mark.FromRevision,
        ["to_revision"] = mark.ToRevision,
        ["service_id"] = mark.ServiceId,
        ["marked_by"] = mark.MarkedBy,
        ["marked_at"] = WireJson.IsoDate(mark.MarkedAt),
        ["active"] = mark.IsActive,
        ["keys"] = CredentialContract.StringArray(mark.Pairs.Select(p => p.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        ["pending"] = status is null ? null : CredentialContract.StringArray(status.Pending),
        ["rotated"] = status is null ? null : CredentialContract.StringArray(status.Rotated),
        ["cleared_at"] = WireJson.IsoDate(mark.ClearedAt),
        ["cleared_by"] = mark.ClearedBy,
        ["cleared_revision"] = mark.ClearedRevision,
    };

    private static JsonArray Numbers(IEnumerable<int> numbers) => new(numbers.Select(n => (JsonNode?)n).ToArray());
}
