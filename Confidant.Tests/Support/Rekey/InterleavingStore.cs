using Confidant.Services.Exposure;
using Confidant.Services.Storage;

namespace Confidant.Tests.Support.Rekey;

/// <summary>
/// The real store, except that just before the first data-key rewrite of a chosen item another writer acts (through the
/// domain): the rewrite then meets an item that changed after the job read it. Records each rewrite's outcome per id.
/// </summary>
public sealed class InterleavingStore(IConfidantStore inner, IServiceProvider services) : IConfidantStore
{
    private readonly Dictionary<string, List<bool>> _outcomes = new(StringComparer.Ordinal);
    private (string Id, Func<IServiceProvider, Task> Act)? _pending;

    public void BeforeFirstRewriteOf(string id, Func<IServiceProvider, Task> act) => _pending = (id, act);

    public IReadOnlyList<bool> Outcomes(string id)
    {
        lock (_outcomes)
        {
            return _outcomes.TryGetValue(id, out var outcomes) ? [.. outcomes] : [];
        }
    }

    public async Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default)
    {
        if (_pending is { } pending && pending.Id == rewritten.Id)
        {
            _pending = null;
            await pending.Act(services);
        }

        var result = await inner.RewriteDataKeyAsync(table, rewritten, expectedDataKey, cancellationToken);
        lock (_outcomes)
        {
            (_outcomes.TryGetValue(rewritten.Id, out var list) ? list : _outcomes[rewritten.Id] = []).Add(result.Rewritten);
        }

        return result;
    }

    public Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(ids, cancellationToken);

    public Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(dataType, request, cancellationToken);

    public Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default) =>
        inner.FindIdsByNameAsync(dataType, name, cancellationToken);

    public Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default) => inner.WriteRevisionAsync(current, cancellationToken);

    public Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default) => inner.TouchAsync(item, cancellationToken);

    public Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default) =>
        inner.ArchiveAsync(id, expectedRevision, archiveDate, cancellationToken);

    public Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        inner.QueryArchiveAsync(dataType, request, cancellationToken);

    public Task<NamePage> ListNamesAsync(StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        inner.ListNamesAsync(table, dataType, request, cancellationToken);

    public Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default) => inner.RestoreAsync(id, cancellationToken);

    public Task<bool> PutExposureAsync(ExposureMark mark, CancellationToken cancellationToken = default) =>
        inner.PutExposureAsync(mark, cancellationToken);

    public Task<bool> SetFingerprintsAsync(
        string id, int revision, ValueFingerprints fingerprints, CancellationToken cancellationToken = default) =>
        inner.SetFingerprintsAsync(id, revision, fingerprints, cancellationToken);

    public Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default) => inner.SaveJobAsync(job, cancellationToken);

    public Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default) =>
        inner.DeleteJobAsync(id, revision, cancellationToken);
}
