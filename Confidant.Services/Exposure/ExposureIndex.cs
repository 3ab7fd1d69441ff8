using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

/// <summary>
/// Every exposure mark, read from the store. The recovery rules read them afresh (<see cref="ReadAsync"/>); the
/// badges and the <c>exposure</c> field of every listing and service read use a snapshot (<see cref="SnapshotAsync"/>)
/// kept as long as the service response cache keeps an answer (<c>Api:ServiceResponseCacheSeconds</c>) and dropped as
/// soon as this process writes to the store, so that a workload's poll costs no extra store call. Marks are few: one
/// per exposed resource and incident.
/// </summary>
public sealed class ExposureIndex(
    IConfidantStore store,
    StoreGeneration generation,
    IOptions<ServiceResponseCacheOptions> options,
    TimeProvider time)
{
    private volatile Cached? _cached;

    public async Task<IReadOnlyList<ExposureMark>> ReadAsync(CancellationToken cancellationToken = default) =>
        (await store.QueryAsync(DataType.Exposure, PageRequest.All, cancellationToken)).Items.OfType<ExposureMark>().ToList();

    public async Task<ExposureSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        var lifetime = TimeSpan.FromSeconds(options.Value.ServiceResponseCacheSeconds);
        if (_cached is { } cached && cached.Generation == generation.Current && time.GetElapsedTime(cached.ReadAt) < lifetime)
        {
            return cached.Snapshot;
        }

        // Taken before the read: a write that lands meanwhile makes this snapshot stale at once.
        var before = generation.Current;
        var readAt = time.GetTimestamp();
        var snapshot = new ExposureSnapshot(await ReadAsync(cancellationToken));
        _cached = new Cached(snapshot, before, readAt);
        return snapshot;
    }

    private sealed record Cached(ExposureSnapshot Snapshot, long Generation, long ReadAt);
}
