using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Revisions;

/// <summary>
/// Runs a read-modify-write of one resource as a new revision. When the caller named the revision it saw, a lost race
/// is reported as a conflict; otherwise the change is re-applied to the latest revision, a bounded number of times.
/// </summary>
internal static class RevisionWriter
{
    public static async Task<T> WriteAsync<T>(
        IConfidantStore store,
        int attempts,
        int? expectedRevision,
        Func<CancellationToken, Task<T>> buildNext,
        CancellationToken cancellationToken)
        where T : StoredItem
    {
        for (var attempt = 1; ; attempt++)
        {
            var next = await buildNext(cancellationToken);
            if (expectedRevision is { } expected && next.Revision != expected + 1)
            {
                throw new RevisionConflictException(next.BaseId, expected + 1);
            }

            try
            {
                await store.WriteRevisionAsync(next, cancellationToken);
                return next;
            }
            catch (RevisionConflictException) when (expectedRevision is null && attempt < attempts)
            {
                // Someone else wrote first: rebuild from the new latest revision.
            }
        }
    }

    /// <summary>Now, at the microsecond precision the stored date format keeps.</summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }
}
