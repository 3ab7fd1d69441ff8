using System.Security.Cryptography;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Maintenance;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

/// <summary>
/// Marks credentials and blind credentials exposed: one of them (one revision, or every revision up to the current
/// one), or every one a service maps. Needs the ACL's <c>expose</c> and the role <c>Exposure:MarkRole</c>; audited.
/// </summary>
public sealed class ExposureService(
    IConfidantStore store,
    ExposureIndex index,
    StoredFingerprints fingerprints,
    IAclPolicy acl,
    IOptions<ExposureOptions> options,
    MaintenanceMode maintenance,
    AuditRecorder audit,
    TimeProvider time)
{
    /// <summary>Whether <paramref name="caller"/> may mark the resource exposed (the page offers the action then).</summary>
    public bool CanMark(ConfidantPrincipal caller, string resourceType, string resourceId) =>
        acl.IsAllowed(caller, resourceType, AclActions.Expose, resourceId) && caller.HasRole(options.Value.MarkRole);

    /// <summary>
    /// Marks <paramref name="resourceType"/> <paramref name="resourceId"/> exposed (a service: every credential and
    /// blind credential it maps, at every revision) and returns the marks with their pending keys. Marking again what
    /// an incident already marked returns the existing mark.
    /// </summary>
    public async Task<IReadOnlyList<MarkStatus>> MarkAsync(
        ConfidantPrincipal caller,
        string resourceType,
        string resourceId,
        ExposureInput input,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        var what = Describe(resourceType);
        if (!CanMark(caller, resourceType, resourceId))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.ExposureMark, resourceType, resourceId),
                ConfidantException.Forbidden($"{caller.Name} does not have access to mark {what} {resourceId} exposed", resourceId));
        }

        var (reason, incident) = input.Validate();
        var request = new MarkRequest(caller, reason, incident, ServiceId: null);
        if (resourceType != AclResources.Service)
        {
            return [await MarkOneAsync(request, resourceType, resourceId, input.Revision, cancellationToken)];
        }

        if (input.Revision is not null)
        {
            throw ConfidantException.BadRequest(
                "revision applies to a credential or blind credential; a service's credentials are marked at every revision", resourceId);
        }

        if (await store.GetAsync(resourceId, cancellationToken) is not ServiceItem { DataType: DataType.Service } service)
        {
            throw ConfidantException.NotFound(ErrorMessages.ServiceNotFound, resourceId);
        }

        var mapped = (await store.GetManyAsync(service.Credentials.Concat(service.BlindCredentials), cancellationToken))
            .Where(i => i.DataType is DataType.Credential or DataType.BlindCredential)
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
        if (mapped.Count == 0)
        {
            throw ConfidantException.BadRequest($"Service {resourceId} maps no credential or blind credential; there is nothing to mark.", resourceId);
        }

        var marks = new List<MarkStatus>();
        foreach (var item in mapped)
        {
            var type = item is CredentialItem ? AclResources.Credential : AclResources.BlindCredential;
            marks.Add(await MarkOneAsync(request with { ServiceId = service.Id }, type, item.Id, null, cancellationToken));
        }

        return marks;
    }

    private async Task<MarkStatus> MarkOneAsync(
        MarkRequest request, string resourceType, string id, int? revision, CancellationToken cancellationToken)
    {
        var current = await LoadCurrentAsync(resourceType, id, cancellationToken);
        var from = revision ?? 1;
        var to = revision ?? current.Revision;
        if (to > current.Revision)
        {
            var what = Describe(resourceType);
            throw ConfidantException.BadRequest(
                $"{char.ToUpperInvariant(what[0])}{what[1..]} {id} has no revision {to}; its current revision is {current.Revision}.", id);
        }

        if (current is CredentialItem credential)
        {
            current = credential with { Fingerprints = await fingerprints.OfAsync(credential, cancellationToken) };
        }

        var existing = (await index.ReadAsync(cancellationToken)).FirstOrDefault(m =>
            m.IsOf(resourceType, id) && m.Incident == request.Incident && m.FromRevision == from && m.ToRevision == to);
        if (existing is not null)
        {
            return Status(existing, current);
        }

        var ids = Enumerable.Range(from, to - from + 1).Select(n => RevisionId.Of(id, n));
        var records = (await store.GetManyAsync(ids, cancellationToken))
            .Where(r => r.DataType == current.DataType.RevisionType() && r.BaseId == id)
            .OrderBy(r => r.Revision)
            .ToList();
        var (keyId, pairs) = await ExposedPairsAsync(records.Count > 0 ? records : [current], cancellationToken);

        var now = RevisionWriter.Now(time);
        var mark = new ExposureMark
        {
            Id = ExposureMark.IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            DataType = DataType.Exposure,
            Revision = 1,
            Enabled = true,
            ModifiedDate = now,
            ModifiedBy = request.Caller.Name,
            ResourceType = resourceType,
            ResourceId = id,
            FromRevision = from,
            ToRevision = to,
            Reason = request.Reason,
            Incident = request.Incident,
            ServiceId = request.ServiceId,
            MarkedBy = request.Caller.Name,
            MarkedAt = now,
            FingerprintKeyId = keyId,
            Pairs = pairs,
        };

        // An old revision whose values were all replaced since is on record (who received it, no revert to it, no
        // reuse of its values) but asks for no rotation: it is cleared as it is marked.
        if (mark.Pending(current).Count == 0)
        {
            mark = mark with { Enabled = false, ClearedAt = now, ClearedBy = current.ModifiedBy, ClearedRevision = current.Revision };
        }

        if (!await store.PutExposureAsync(mark, cancellationToken))
        {
            throw ConfidantException.Conflict($"The exposure mark of {id} could not be stored; try again.", id);
        }

        var scope = from == to ? $"revision {from}" : $"revisions {from}-{to}";
        await audit.SucceededAsync(AuditEntry.For(request.Caller, AuditActions.ExposureMark, resourceType, id, to) with
        {
            Detail = $"incident {request.Incident}: {scope}{(request.ServiceId is null ? string.Empty : $", mapped to service {request.ServiceId}")}"
                + (mark.IsActive ? string.Empty : "; already rotated"),
        });
        return Status(mark, current);
    }

    /// <summary>A mark with the keys <paramref name="current"/> still holds with an exposed value (none once cleared).</summary>
    internal static MarkStatus Status(ExposureMark mark, StoredItem current)
    {
        var pending = mark.IsActive ? mark.Pending(current) : [];
        return new MarkStatus(mark, pending, mark.Rotated(pending));
    }

    /// <summary>Every (key, fingerprint) the revisions held: keyed fingerprints of values, or digests of blind ciphertext.</summary>
    private async Task<(string? KeyId, IReadOnlyList<ExposedPair> Pairs)> ExposedPairsAsync(
        IReadOnlyList<StoredItem> revisions, CancellationToken cancellationToken)
    {
        var pairs = new List<ExposedPair>();
        string? keyId = null;
        foreach (var revision in revisions)
        {
            switch (revision)
            {
                case CredentialItem credential:
                    var made = await fingerprints.OfAsync(credential, cancellationToken);
                    keyId = made.KeyId;
                    pairs.AddRange(made.Pairs.Select(p => new ExposedPair(p.Key, p.Value)));
                    break;
                case BlindCredentialItem blind:
                    var digest = ValueFingerprinter.BlindDigest(blind);
                    var keys = blind.CredentialKeys.Count > 0 ? blind.CredentialKeys : [ExposureMark.AllValuesKey];
                    pairs.AddRange(keys.Select(k => new ExposedPair(k, digest)));
                    break;
            }
        }

        return (keyId, pairs.Distinct().OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Fingerprint, StringComparer.Ordinal).ToList());
    }

    private async Task<StoredItem> LoadCurrentAsync(string resourceType, string id, CancellationToken cancellationToken) =>
        (resourceType, await store.GetAsync(id, cancellationToken)) switch
        {
            (AclResources.Credential, CredentialItem { DataType: DataType.Credential } credential) => credential,
            (AclResources.BlindCredential, BlindCredentialItem { DataType: DataType.BlindCredential } blind) => blind,
            (AclResources.Credential, _) => throw ConfidantException.NotFound(ErrorMessages.CredentialNotFound, id),
            (AclResources.BlindCredential, _) => throw ConfidantException.NotFound(ErrorMessages.BlindCredentialNotFound, id),
            _ => throw new ArgumentOutOfRangeException(nameof(resourceType), resourceType, "Only credentials and blind credentials are marked."),
        };

    internal static string Describe(string resourceType) => resourceType switch
    {
        AclResources.Credential => "credential",
        AclResources.BlindCredential => "blind credential",
        AclResources.Service => "service",
        _ => throw new ArgumentOutOfRangeException(nameof(resourceType), resourceType, "Only credentials, blind credentials and services are marked."),
    };

    private sealed record MarkRequest(ConfidantPrincipal Caller, string Reason, string Incident, string? ServiceId);
}
