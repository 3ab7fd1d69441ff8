using Confidant.Services.Storage;

namespace Confidant.Services.Faults;

/// <summary>
/// The store behind a <see cref="CallGuard"/>: each call ends within <c>Storage:CallTimeoutSeconds</c>, and an
/// unreachable, throttling or locked store is a <see cref="Errors.DependencyUnavailableException"/>. A write abandoned
/// at the limit may still land; the store's revision rules keep revisions contiguous either way.
/// </summary>
internal sealed class GuardedConfidantStore(IConfidantStore inner, CallGuard guard) : IConfidantStore
{
    public Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(GetAsync), token => inner.GetAsync(id, token), cancellationToken);

    public Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(GetManyAsync), token => inner.GetManyAsync(ids, token), cancellationToken);

    public Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(QueryAsync), token => inner.QueryAsync(dataType, request, token), cancellationToken);

    public Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(FindIdsByNameAsync), token => inner.FindIdsByNameAsync(dataType, name, token), cancellationToken);

    public Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(WriteRevisionAsync), token => inner.WriteRevisionAsync(current, token), cancellationToken);

    public Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(TouchAsync), token => inner.TouchAsync(item, token), cancellationToken);

    public Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(ArchiveAsync), token => inner.ArchiveAsync(id, expectedRevision, archiveDate, token), cancellationToken);

    public Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(QueryArchiveAsync), token => inner.QueryArchiveAsync(dataType, request, token), cancellationToken);

    public Task<NamePage> ListNamesAsync(StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(ListNamesAsync), token => inner.ListNamesAsync(table, dataType, request, token), cancellationToken);

    public Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(RestoreAsync), token => inner.RestoreAsync(id, token), cancellationToken);

    public Task<bool> PutExposureAsync(Exposure.ExposureMark mark, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(PutExposureAsync), token => inner.PutExposureAsync(mark, token), cancellationToken);

    public Task<bool> SetFingerprintsAsync(string id, int revision, Exposure.ValueFingerprints fingerprints, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(SetFingerprintsAsync), token => inner.SetFingerprintsAsync(id, revision, fingerprints, token), cancellationToken);

    public Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(RewriteDataKeyAsync), token => inner.RewriteDataKeyAsync(table, rewritten, expectedDataKey, token), cancellationToken);

    public Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(SaveJobAsync), token => inner.SaveJobAsync(job, token), cancellationToken);

    public Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(DeleteJobAsync), token => inner.DeleteJobAsync(id, revision, token), cancellationToken);
}
