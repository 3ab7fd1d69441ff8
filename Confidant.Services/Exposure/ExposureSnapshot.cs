using Confidant.Services.Authorization;
using Confidant.Services.Storage;

namespace Confidant.Services.Exposure;

/// <summary>
/// The exposure marks at one moment, to show beside resources the domain already handed to a caller: a credential or
/// blind credential is exposed while one of its marks is active; a revision record, when a mark covers it; a service,
/// while something it maps is exposed. Holds no values.
/// </summary>
public sealed class ExposureSnapshot(IReadOnlyList<ExposureMark> marks)
{
    private readonly ILookup<(string Type, string Id), ExposureMark> _byResource =
        marks.ToLookup(m => (m.ResourceType, m.ResourceId));

    public static ExposureSnapshot Empty { get; } = new([]);

    public IReadOnlyList<ExposureMark> Marks { get; } = marks;

    /// <summary>The marks of one resource, active and cleared, oldest first.</summary>
    public IReadOnlyList<ExposureMark> MarksOf(string resourceType, string resourceId) =>
        _byResource[(resourceType, resourceId)].OrderBy(m => m.MarkedAt).ToList();

    public bool IsExposed(string resourceType, string resourceId) => _byResource[(resourceType, resourceId)].Any(m => m.IsActive);

    /// <summary>
    /// The ids of the resources of one type that are exposed (<see cref="IsExposed"/>): the only ones of that type whose
    /// current item has an exposure (<see cref="Of(StoredItem)"/>), and the only ones a service's <see cref="Of(ServiceItem)"/> looks at.
    /// </summary>
    public IReadOnlySet<string> ExposedIds(string resourceType) =>
        Marks.Where(m => m.IsActive && string.Equals(m.ResourceType, resourceType, StringComparison.Ordinal))
            .Select(m => m.ResourceId)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A credential's or blind credential's exposure: for its current item, its active marks and the keys still
    /// pending; for a revision record, the marks covering that revision. Null when there is none.
    /// </summary>
    public ResourceExposure? Of(StoredItem item)
    {
        var type = item switch
        {
            CredentialItem => AclResources.Credential,
            BlindCredentialItem => AclResources.BlindCredential,
            _ => null,
        };
        if (type is null)
        {
            return null;
        }

        var current = !item.DataType.IsRevision();
        var concerned = _byResource[(type, item.BaseId)].Where(m => current ? m.IsActive : m.Covers(item.Revision)).ToList();
        if (concerned.Count == 0)
        {
            return null;
        }

        return new ResourceExposure(
            concerned.Select(m => m.Incident).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            concerned.SelectMany(m => Enumerable.Range(m.FromRevision, m.ToRevision - m.FromRevision + 1)).Distinct().Order().ToList(),
            current ? concerned.SelectMany(m => m.Pending(item)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() : [],
            concerned.Min(m => m.MarkedAt));
    }

    /// <summary>A service's exposure: the credentials and blind credentials it maps that are exposed; null when none is.</summary>
    public ServiceExposure? Of(ServiceItem service)
    {
        var credentials = service.Credentials.Where(id => IsExposed(AclResources.Credential, id)).ToList();
        var blind = service.BlindCredentials.Where(id => IsExposed(AclResources.BlindCredential, id)).ToList();
        if (credentials.Count == 0 && blind.Count == 0)
        {
            return null;
        }

        var incidents = credentials.SelectMany(id => _byResource[(AclResources.Credential, id)])
            .Concat(blind.SelectMany(id => _byResource[(AclResources.BlindCredential, id)]))
            .Where(m => m.IsActive)
            .Select(m => m.Incident)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new ServiceExposure(incidents, credentials, blind);
    }
}

/// <summary>
/// A resource's exposure as shown beside it: the incidents, the exposed revisions, the keys still holding an exposed
/// value (current items only) and when it was first marked.
/// </summary>
public sealed record ResourceExposure(
    IReadOnlyList<string> Incidents,
    IReadOnlyList<int> Revisions,
    IReadOnlyList<string> Pending,
    DateTimeOffset MarkedAt);

/// <summary>A service's exposure: which of the credentials and blind credentials it maps are exposed, under which incidents.</summary>
public sealed record ServiceExposure(IReadOnlyList<string> Incidents, IReadOnlyList<string> Credentials, IReadOnlyList<string> BlindCredentials);
