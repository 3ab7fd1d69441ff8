using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Revisions;

/// <summary>
/// What differs between the reverts of the resource types: how the current item is loaded, the errors for a missing
/// or wrong-typed target, and the checks (and adjustments) of the target before it is written.
/// </summary>
internal sealed record RevertSteps<T>(
    string ResourceType,
    string TargetNotFound,
    string TargetWrongType,
    Func<CancellationToken, Task<T>> LoadCurrentAsync,
    Func<T, T, CancellationToken, Task<T>> CheckTargetAsync)
    where T : StoredItem;

/// <summary>
/// Revert for every resource type (spec §9.2): a new revision that copies an old one, ciphertext included, written by
/// the caller now; a lost race is handled as for any other write. The caller's access is checked before.
/// </summary>
public sealed class RevisionReverter(IConfidantStore store, RevisionWriter writer, AuditRecorder audit, TimeProvider time)
{
    internal async Task<T> RevertAsync<T>(
        ConfidantPrincipal caller,
        string id,
        int toRevision,
        int? expectedRevision,
        RevertSteps<T> steps,
        CancellationToken cancellationToken)
        where T : StoredItem
    {
        var written = await writer.WriteAsync(expectedRevision, async ct =>
        {
            var current = await steps.LoadCurrentAsync(ct);
            var target = await store.GetAsync(RevisionId.Of(id, toRevision), ct) switch
            {
                null => throw ConfidantException.NotFound(steps.TargetNotFound, id),
                T record when record.DataType == current.DataType.RevisionType() => record,
                _ => throw ConfidantException.BadRequest(steps.TargetWrongType, id),
            };
            StoredItem next = await steps.CheckTargetAsync(current, target, ct);
            return (T)(next with
            {
                Id = id,
                DataType = current.DataType,
                Revision = current.Revision + 1,
                ModifiedDate = RevisionWriter.Now(time),
                ModifiedBy = caller.Name,
            });
        }, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Revert, steps.ResourceType, id, written.Revision));
        return written;
    }
}
