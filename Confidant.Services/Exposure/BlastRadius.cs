using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;

namespace Confidant.Services.Exposure;

/// <summary>
/// A resource's marks with what is still pending, and the blast radius of what they exposed: the services that map it
/// now and those that mapped it while an exposed revision was current (from the services' revisions), every principal
/// the audit trail saw receive an exposed revision, and the other credentials holding an exposed value now (found by
/// fingerprint, nothing decrypted but this resource's own revisions where they lack fingerprints). For whoever may see
/// who received the resource (<c>access</c>): the same people as its access panel.
/// </summary>
public sealed class BlastRadius(
    IConfidantStore store,
    ExposureIndex index,
    ExposureRules rules,
    StoredFingerprints fingerprints,
    AuditLog audit,
    IAclPolicy acl)
{
    public bool CanSee(ConfidantPrincipal caller, string resourceType, string resourceId) =>
        acl.IsAllowed(caller, resourceType, AclActions.Access, resourceId);

    public async Task<ExposureReport> ReadAsync(ConfidantPrincipal caller, string resourceType, string id, CancellationToken cancellationToken = default)
    {
        var what = ExposureService.Describe(resourceType);
        if (!CanSee(caller, resourceType, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to the exposure of {what} {id}", id);
        }

        var current = await LoadCurrentAsync(resourceType, id, cancellationToken);
        var name = current is CredentialItem c ? c.Name : ((BlindCredentialItem)current).Name;
        if (!(await index.ReadAsync(cancellationToken)).Any(m => m.IsOf(resourceType, id)))
        {
            return new ExposureReport(resourceType, id, name, [], null);
        }

        // A current revision another Confidant wrote has no fingerprints yet: made here, so that a rotation done
        // there clears the mark too.
        if (current is CredentialItem credential)
        {
            current = credential with { Fingerprints = await fingerprints.OfAsync(credential, cancellationToken) };
        }

        var marks = await rules.ReviewAsync(caller, current, cancellationToken);
        var statuses = marks.Select(m => ExposureService.Status(m, current)).ToList();

        var revisions = (await store.GetManyAsync(Enumerable.Range(1, current.Revision).Select(n => RevisionId.Of(id, n)), cancellationToken))
            .Where(r => r.DataType == current.DataType.RevisionType() && r.BaseId == id)
            .OrderBy(r => r.Revision)
            .ToList();
        var exposed = ExposedRevisions(marks, revisions);
        var windows = Windows(exposed, revisions, current);
        var services = (await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken)).Items.OfType<ServiceItem>().ToList();
        var radius = new BlastRadiusResult(
            services.Where(s => Maps(s, resourceType, id)).Select(s => new ServiceReference(s.Id, s.Enabled)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList(),
            await ServicesAtExposureAsync(resourceType, id, windows, cancellationToken),
            await PrincipalsAsync(resourceType, id, exposed, windows, cancellationToken),
            [],
            null);
        if (resourceType == AclResources.Credential)
        {
            radius = await WithDuplicatesAsync(radius, id, marks, cancellationToken);
        }

        return new ExposureReport(resourceType, id, name, statuses, radius);
    }

    /// <summary>The revisions a mark covers, and any other revision holding an exposed pair (the same values, saved again).</summary>
    private static SortedSet<int> ExposedRevisions(IReadOnlyList<ExposureMark> marks, IReadOnlyList<StoredItem> revisions)
    {
        var exposed = new SortedSet<int>(marks.SelectMany(m => Enumerable.Range(m.FromRevision, m.ToRevision - m.FromRevision + 1)));
        foreach (var revision in revisions)
        {
            if (marks.Any(m => HoldsExposedValue(m, revision)))
            {
                exposed.Add(revision.Revision);
            }
        }

        return exposed;
    }

    private static bool HoldsExposedValue(ExposureMark mark, StoredItem revision) => revision switch
    {
        CredentialItem { Fingerprints: { } held } when held.MadeWith(mark.FingerprintKeyId) => mark.Pending(revision).Count > 0,
        BlindCredentialItem => mark.Pending(revision).Count > 0,
        _ => false,
    };

    /// <summary>When each exposed revision was current: from its write to the next revision's, or still.</summary>
    private static List<(DateTimeOffset From, DateTimeOffset To)> Windows(SortedSet<int> exposed, IReadOnlyList<StoredItem> revisions, StoredItem current)
    {
        var byNumber = revisions.ToDictionary(r => r.Revision);
        byNumber.TryAdd(current.Revision, current);
        return exposed.Where(byNumber.ContainsKey)
            .Select(n => (byNumber[n].ModifiedDate, byNumber.TryGetValue(n + 1, out var next) ? next.ModifiedDate : DateTimeOffset.MaxValue))
            .ToList();
    }

    private async Task<IReadOnlyList<ServiceAtExposure>> ServicesAtExposureAsync(
        string resourceType, string id, List<(DateTimeOffset From, DateTimeOffset To)> windows, CancellationToken cancellationToken)
    {
        var history = (await store.QueryAsync(DataType.ArchiveService, PageRequest.All, cancellationToken)).Items.OfType<ServiceItem>();
        var found = new List<ServiceAtExposure>();
        foreach (var service in history.GroupBy(s => s.BaseId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // A service revision maps what it lists from its write until the next revision's.
            var ordered = service.OrderBy(s => s.Revision).ToList();
            var hits = ordered
                .Where((s, i) => Maps(s, resourceType, id)
                    && windows.Any(w => s.ModifiedDate < w.To && (i + 1 == ordered.Count || ordered[i + 1].ModifiedDate > w.From)))
                .Select(s => s.Revision)
                .ToList();
            if (hits.Count > 0)
            {
                found.Add(new ServiceAtExposure(service.Key, hits));
            }
        }

        return found;
    }

    private async Task<IReadOnlyList<AuditAccess>> PrincipalsAsync(
        string resourceType, string id, SortedSet<int> exposed, List<(DateTimeOffset From, DateTimeOffset To)> windows, CancellationToken cancellationToken)
    {
        if (windows.Count == 0)
        {
            return [];
        }

        // Revision 0: a delivery recorded without its revision, which may have been an exposed one.
        var principals = await audit.AccessAsync(resourceType, id, windows.Min(w => w.From), cancellationToken);
        return principals.Where(p => p.Revisions.Any(r => r == 0 || exposed.Contains(r))).ToList();
    }

    private async Task<BlastRadiusResult> WithDuplicatesAsync(
        BlastRadiusResult radius, string id, IReadOnlyList<ExposureMark> marks, CancellationToken cancellationToken)
    {
        var keyId = marks.Select(m => m.FingerprintKeyId).FirstOrDefault(k => k is not null);
        var exposed = marks.Where(m => m.FingerprintKeyId == keyId).SelectMany(m => m.Pairs).ToLookup(p => p.Fingerprint, p => p.Key, StringComparer.Ordinal);
        var duplicates = new List<DuplicateValue>();
        var notFingerprinted = 0;
        var others = (await store.QueryAsync(DataType.Credential, PageRequest.All, cancellationToken)).Items.OfType<CredentialItem>()
            .Where(o => o.Id != id);
        foreach (var other in others.OrderBy(o => o.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (other.Fingerprints is not { } held || !held.MadeWith(keyId))
            {
                notFingerprinted++;
                continue;
            }

            var keys = held.Pairs.Where(p => exposed.Contains(p.Value)).ToList();
            if (keys.Count > 0)
            {
                duplicates.Add(new DuplicateValue(
                    other.Id,
                    other.Name,
                    keys.Select(k => k.Key).Order(StringComparer.Ordinal).ToList(),
                    keys.SelectMany(k => exposed[k.Value]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()));
            }
        }

        return radius with { Duplicates = duplicates, NotFingerprinted = notFingerprinted };
    }

    private static bool Maps(ServiceItem service, string resourceType, string id) =>
        (resourceType == AclResources.Credential ? service.Credentials : service.BlindCredentials).Contains(id, StringComparer.Ordinal);

    private async Task<StoredItem> LoadCurrentAsync(string resourceType, string id, CancellationToken cancellationToken) =>
        (resourceType, await store.GetAsync(id, cancellationToken)) switch
        {
            (AclResources.Credential, CredentialItem { DataType: DataType.Credential } credential) => credential,
            (AclResources.BlindCredential, BlindCredentialItem { DataType: DataType.BlindCredential } blind) => blind,
            (AclResources.Credential, _) => throw ConfidantException.NotFound(ErrorMessages.CredentialNotFound, id),
            _ => throw ConfidantException.NotFound(ErrorMessages.BlindCredentialNotFound, id),
        };
}

/// <summary>A resource's marks and the blast radius of what they exposed (null when it was never marked).</summary>
public sealed record ExposureReport(string ResourceType, string ResourceId, string Name, IReadOnlyList<MarkStatus> Marks, BlastRadiusResult? Radius);

/// <summary>A mark with the exposed keys still holding an exposed value and those rotated since.</summary>
public sealed record MarkStatus(ExposureMark Mark, IReadOnlyList<string> Pending, IReadOnlyList<string> Rotated);

/// <summary>
/// Who and what an exposure reaches. <paramref name="NotFingerprinted"/> counts the other credentials whose current
/// values carry no fingerprints under the key (null for blind credentials, whose values the server never sees).
/// </summary>
public sealed record BlastRadiusResult(
    IReadOnlyList<ServiceReference> ServicesNow,
    IReadOnlyList<ServiceAtExposure> ServicesAtExposure,
    IReadOnlyList<AuditAccess> Principals,
    IReadOnlyList<DuplicateValue> Duplicates,
    int? NotFingerprinted);

/// <summary>A service that mapped the resource while an exposed revision was current, at which of its revisions.</summary>
public sealed record ServiceAtExposure(string Id, IReadOnlyList<int> Revisions);

/// <summary>Another credential holding an exposed value now: under which of its keys, equal to which exposed keys.</summary>
public sealed record DuplicateValue(string CredentialId, string Name, IReadOnlyList<string> Keys, IReadOnlyList<string> ExposedKeys);
