using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Exposure;

/// <summary>
/// The recovery rules, applied by the credential and blind credential writes (the one enforcement point): no revert to
/// an exposed revision, no value equal to an exposed one, and a mark clears once its resource holds no exposed pair.
/// The rules read the marks afresh, never from a snapshot.
/// </summary>
public sealed partial class ExposureRules(
    IConfidantStore store,
    ExposureIndex index,
    AuditRecorder audit,
    TimeProvider time,
    ILogger<ExposureRules> logger)
{
    /// <summary>
    /// Refuses values (by their fingerprints) equal to an exposed value, wherever it was exposed, unless
    /// <paramref name="current"/> holds that very value under the same key: a pair not rotated yet may stay as it is
    /// while others change, but an exposed value never comes back, under any key of any credential.
    /// </summary>
    public async Task EnsureNoExposedValuesAsync(CredentialItem? current, ValueFingerprints next, CancellationToken cancellationToken)
    {
        var exposed = (await index.ReadAsync(cancellationToken))
            .Where(m => m.FingerprintKeyId is not null && next.MadeWith(m.FingerprintKeyId))
            .SelectMany(m => m.Pairs.Select(p => (p.Fingerprint, m.Incident)))
            .ToLookup(p => p.Fingerprint, p => p.Incident, StringComparer.Ordinal);
        foreach (var (key, fingerprint) in next.Pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var kept = current?.Fingerprints is { } held && held.MadeWith(next.KeyId)
                && string.Equals(held.Of(key), fingerprint, StringComparison.Ordinal);
            if (exposed.Contains(fingerprint) && !kept)
            {
                throw ConfidantException.BadRequest(
                    $"The value of credential key '{key}' was exposed (incident {exposed[fingerprint].First()}); write a new value.",
                    current?.Id);
            }
        }
    }

    /// <summary>As <see cref="EnsureNoExposedValuesAsync"/> for a blind credential: its ciphertext stands for its values.</summary>
    public async Task EnsureNoExposedCiphertextAsync(BlindCredentialItem current, BlindCredentialItem next, CancellationToken cancellationToken)
    {
        var digest = ValueFingerprinter.BlindDigest(next);
        if (string.Equals(digest, ValueFingerprinter.BlindDigest(current), StringComparison.Ordinal))
        {
            return;
        }

        var mark = (await index.ReadAsync(cancellationToken))
            .FirstOrDefault(m => m.FingerprintKeyId is null && m.Pairs.Any(p => string.Equals(p.Fingerprint, digest, StringComparison.Ordinal)));
        if (mark is not null)
        {
            throw ConfidantException.BadRequest(
                $"These credential_pairs were exposed (incident {mark.Incident}); encrypt new values.", current.Id);
        }
    }

    /// <summary>Refuses a revert to a revision a mark covers, whether the mark is still active or cleared.</summary>
    public async Task EnsureRevertAllowedAsync(string resourceType, string id, int toRevision, CancellationToken cancellationToken)
    {
        var mark = (await index.ReadAsync(cancellationToken)).FirstOrDefault(m => m.IsOf(resourceType, id) && m.Covers(toRevision));
        if (mark is not null)
        {
            var what = resourceType == AclResources.Credential ? "credential" : "blind credential";
            throw ConfidantException.BadRequest(
                $"Revision {toRevision} of {what} {id} was exposed (incident {mark.Incident}); it cannot be reverted to. Write new values instead.",
                id);
        }
    }

    /// <summary>
    /// Clears the active marks of <paramref name="current"/>'s resource that leave nothing pending, and returns every
    /// mark of the resource as it is now. After a write this never fails the write: a mark left active is reviewed
    /// again on the resource's next write or exposure read.
    /// </summary>
    public async Task<IReadOnlyList<ExposureMark>> ReviewAsync(ConfidantPrincipal caller, StoredItem current, CancellationToken cancellationToken)
    {
        var type = current is BlindCredentialItem ? AclResources.BlindCredential : AclResources.Credential;
        var marks = (await index.ReadAsync(cancellationToken)).Where(m => m.IsOf(type, current.BaseId)).OrderBy(m => m.MarkedAt).ToList();
        for (var i = 0; i < marks.Count; i++)
        {
            if (marks[i].IsActive && marks[i].Pending(current).Count == 0)
            {
                marks[i] = await ClearAsync(caller, marks[i], current, cancellationToken);
            }
        }

        return marks;
    }

    /// <summary><see cref="ReviewAsync"/> after a write that is already stored: a failure is logged, never thrown.</summary>
    public async Task ReviewAfterWriteAsync(ConfidantPrincipal caller, StoredItem written, CancellationToken cancellationToken)
    {
        try
        {
            await ReviewAsync(caller, written, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
        {
            LogReviewFailed(logger, written.BaseId, written.Revision, error.GetType().Name);
        }
    }

    private async Task<ExposureMark> ClearAsync(ConfidantPrincipal caller, ExposureMark mark, StoredItem current, CancellationToken cancellationToken)
    {
        var now = RevisionWriter.Now(time);
        var cleared = mark with
        {
            Revision = mark.Revision + 1,
            Enabled = false,
            ModifiedDate = now,
            ModifiedBy = caller.Name,
            ClearedAt = now,

            // The one who wrote the revision that rotated the last exposed pair, whoever noticed.
            ClearedBy = current.ModifiedBy,
            ClearedRevision = current.Revision,
        };
        if (!await store.PutExposureAsync(cleared, cancellationToken))
        {
            // Another writer cleared it first: theirs is the record.
            return await store.GetAsync(mark.Id, cancellationToken) as ExposureMark ?? mark;
        }

        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.ExposureClear, mark.ResourceType, mark.ResourceId, current.Revision) with
        {
            Detail = $"incident {mark.Incident}: every exposed pair has a new value",
        });
        return cleared;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exposure marks of {Id} not reviewed after revision {Revision} ({Error}); reviewed again on its next write or exposure read")]
    private static partial void LogReviewFailed(ILogger logger, string id, int revision, string error);
}
