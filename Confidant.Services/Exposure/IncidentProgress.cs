using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

/// <summary>
/// Rotation progress per incident: what its marks exposed, what is rotated and what is still pending, with the owners
/// to ask (from <c>Exposure:OwnerMetadataKey</c> in each resource's metadata) and the services that map each resource.
/// For whoever the ACL lets read incidents (<c>incident:get</c>; editors by default).
/// </summary>
public sealed class IncidentProgress(IConfidantStore store, ExposureIndex index, IAclPolicy acl, IOptions<ExposureOptions> options)
{
    public bool CanRead(ConfidantPrincipal caller) => acl.IsAllowed(caller, AclResources.Incident, AclActions.Get);

    /// <summary>Every incident with its counts, the most recent first.</summary>
    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        Require(caller, null);
        var marks = await index.ReadAsync(cancellationToken);
        return marks.GroupBy(m => m.Incident, StringComparer.Ordinal)
            .Select(g =>
            {
                var resources = g.GroupBy(m => (m.ResourceType, m.ResourceId)).ToList();
                var rotated = resources.Count(r => r.All(m => !m.IsActive));
                return new IncidentSummary(g.Key, resources.Count, rotated, resources.Count - rotated, g.Min(m => m.MarkedAt));
            })
            .OrderByDescending(s => s.FirstMarkedAt)
            .ToList();
    }

    /// <summary>One incident's resources; 404 when no mark names it.</summary>
    public async Task<IncidentReport> GetAsync(ConfidantPrincipal caller, string incident, CancellationToken cancellationToken = default)
    {
        Require(caller, incident);
        if (!ExposureInput.IsIncident(incident))
        {
            throw ConfidantException.BadRequest(ExposureInput.IncidentRule);
        }

        var marks = (await index.ReadAsync(cancellationToken)).Where(m => string.Equals(m.Incident, incident, StringComparison.Ordinal)).ToList();
        if (marks.Count == 0)
        {
            throw ConfidantException.NotFound($"No exposure mark names incident {incident}.", incident);
        }

        var byResource = marks.GroupBy(m => (m.ResourceType, m.ResourceId)).ToList();
        var items = (await store.GetManyAsync(byResource.Select(g => g.Key.ResourceId), cancellationToken)).ToDictionary(i => i.Id, StringComparer.Ordinal);
        var services = (await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken)).Items.OfType<ServiceItem>().ToList();
        var ownerKey = options.Value.OwnerMetadataKey;
        var resources = byResource.Select(group =>
            {
                var (type, id) = group.Key;
                var current = items.GetValueOrDefault(id);
                var exposedKeys = group.SelectMany(m => m.Pairs.Select(p => p.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

                // A resource archived since is gone from the table: what its active marks named stays pending.
                var pending = group.Where(m => m.IsActive)
                    .SelectMany(m => current is null ? m.Pairs.Select(p => p.Key) : m.Pending(current))
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var (name, metadata) = current switch
                {
                    CredentialItem c => (c.Name, c.Metadata),
                    BlindCredentialItem b => (b.Name, b.Metadata),
                    _ => (id, "{}"),
                };
                var mapping = services
                    .Where(s => (type == AclResources.Credential ? s.Credentials : s.BlindCredentials).Contains(id, StringComparer.Ordinal))
                    .Select(s => s.Id)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                return new IncidentResource(
                    type,
                    id,
                    name,
                    current is null,
                    group.OrderBy(m => m.MarkedAt).ToList(),
                    pending,
                    exposedKeys.Except(pending, StringComparer.Ordinal).ToList(),
                    Owners.From(metadata, ownerKey),
                    mapping);
            })
            .OrderBy(r => r.Rotated)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var rotated = resources.Count(r => r.Rotated);
        return new IncidentReport(incident, resources.Count, rotated, resources.Count - rotated, resources);
    }

    private void Require(ConfidantPrincipal caller, string? incident)
    {
        if (!CanRead(caller))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to incidents", incident);
        }
    }
}

/// <summary>An incident's counts of resources: exposed (marked), rotated (every mark cleared), pending.</summary>
public sealed record IncidentSummary(string Incident, int Exposed, int Rotated, int Pending, DateTimeOffset FirstMarkedAt);

/// <summary>An incident's counts and its resources, pending ones first.</summary>
public sealed record IncidentReport(string Incident, int Exposed, int Rotated, int Pending, IReadOnlyList<IncidentResource> Resources);

/// <summary>
/// One resource of an incident: its marks, the exposed keys still pending and those rotated, its owners and the services
/// that map it now. <paramref name="Archived"/> when it is no longer in the table.
/// </summary>
public sealed record IncidentResource(
    string ResourceType,
    string Id,
    string Name,
    bool Archived,
    IReadOnlyList<ExposureMark> Marks,
    IReadOnlyList<string> PendingKeys,
    IReadOnlyList<string> RotatedKeys,
    IReadOnlyList<string> Owners,
    IReadOnlyList<string> Services)
{
    public bool Rotated => Marks.All(m => !m.IsActive);
}
