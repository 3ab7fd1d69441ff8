using System.Security.Cryptography;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Revisions;

/// <summary>
/// Runs a read-modify-write of one resource as a new revision. When the caller named the revision it saw, a lost race
/// is a conflict (409: someone else changed it). Otherwise the change is re-applied to the latest revision until it
/// lands, waiting a random time under an exponentially growing cap between attempts so that concurrent writers spread
/// out instead of colliding again; only a race that outlasts <c>Storage:WriteRetrySeconds</c> gives up, as a busy
/// store (503), never as a conflict the caller did not ask to see.
/// </summary>
public sealed class RevisionWriter(
    IConfidantStore store,
    IOptions<StorageOptions> options,
    [FromKeyedServices(FaultClock.Key)] TimeProvider clock,
    FaultLog log)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(250);

    public async Task<T> WriteAsync<T>(
        int? expectedRevision,
        Func<CancellationToken, Task<T>> buildNext,
        CancellationToken cancellationToken)
        where T : StoredItem
    {
        var started = clock.GetTimestamp();
        for (var attempt = 0; ; attempt++)
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
            catch (RevisionConflictException lost) when (expectedRevision is null)
            {
                if (clock.GetElapsedTime(started) >= options.Value.WriteRetryBudget)
                {
                    log.Unavailable(Dependency.Store, FailureClass.Busy, nameof(WriteAsync), lost);
                    throw new DependencyUnavailableException(Dependency.Store, FailureClass.Busy, lost);
                }

                await Task.Delay(Backoff(attempt), clock, cancellationToken);
            }
        }
    }

    /// <summary>"Full jitter": uniformly random between zero and min(cap, first * 2^attempt).</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(attempt, 16));
        return TimeSpan.FromTicks(RandomNumberGenerator.GetInt32(0, (int)ceiling + 1));
    }

    /// <summary>Now, at the microsecond precision the stored date format keeps.</summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }
}
