using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Crypto;
using Confidant.Services.Faults;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

/// <summary>
/// Fingerprints every credential revision (current items and revision records) written before fingerprints were, or
/// under another fingerprint key, at <c>Exposure:BackfillItemsPerSecond</c>: each one is a decrypt and a MAC per value,
/// on the key service the server shares. Resumable by nature: what is done carries its fingerprints and is skipped.
/// </summary>
public sealed class FingerprintBackfill(
    IConfidantStore store,
    StoredFingerprints fingerprints,
    IOptions<ExposureOptions> options,
    AuditRecorder audit,
    [FromKeyedServices(FaultClock.Key)] TimeProvider clock)
{
    /// <summary>How many credentials have current values without fingerprints under the configured key.</summary>
    public async Task<int> CountMissingAsync(CancellationToken cancellationToken = default)
    {
        var missing = 0;
        foreach (var credential in (await store.QueryAsync(DataType.Credential, PageRequest.All, cancellationToken)).Items.OfType<CredentialItem>())
        {
            missing += await fingerprints.HasAsync(credential, cancellationToken) ? 0 : 1;
        }

        return missing;
    }

    public async Task<BackfillResult> RunAsync(
        ConfidantPrincipal caller,
        Func<BackfillResult, Task>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var interval = TimeSpan.FromSeconds(1.0 / options.Value.BackfillItemsPerSecond);
        var result = new BackfillResult(0, 0, 0, []);
        var started = clock.GetTimestamp();
        var credentials = (await store.QueryAsync(DataType.Credential, PageRequest.All, cancellationToken)).Items.OfType<CredentialItem>().ToList();
        foreach (var credential in credentials.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var ids = Enumerable.Range(1, credential.Revision).Select(n => RevisionId.Of(credential.Id, n));
            var records = (await store.GetManyAsync(ids, cancellationToken))
                .OfType<CredentialItem>()
                .Where(r => r.DataType == DataType.ArchiveCredential && r.BaseId == credential.Id);
            foreach (var item in records.Append(credential))
            {
                if (await fingerprints.HasAsync(item, cancellationToken))
                {
                    result = result with { AlreadyDone = result.AlreadyDone + 1 };
                    continue;
                }

                // Paced on elapsed time: the n-th revision fingerprinted waits for n intervals from the start.
                var due = interval * (result.Fingerprinted + result.Failed);
                var wait = due - clock.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, cancellationToken);
                }

                try
                {
                    await fingerprints.OfAsync(item, cancellationToken);
                    result = result with { Fingerprinted = result.Fingerprinted + 1 };
                }
                catch (CredentialCipherException)
                {
                    // A revision that does not decrypt (a key disabled since) stays without fingerprints: named, not fatal.
                    result = result with { Failed = result.Failed + 1, FailedIds = [.. result.FailedIds, item.Id] };
                }

                if (progress is not null && (result.Fingerprinted + result.Failed) % 100 == 0)
                {
                    await progress(result);
                }
            }
        }

        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.FingerprintBackfill, AclResources.Credential, "*") with
        {
            Detail = $"{result.Fingerprinted} revisions fingerprinted, {result.AlreadyDone} already, {result.Failed} failed",
        });
        return result;
    }
}

/// <summary>What a backfill did: revisions fingerprinted, found done already, and failed (by id).</summary>
public sealed record BackfillResult(int Fingerprinted, int AlreadyDone, int Failed, IReadOnlyList<string> FailedIds);
