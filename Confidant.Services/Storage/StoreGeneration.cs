using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Services.Storage;

/// <summary>
/// A counter that moves whenever this process writes to the store, so read caches built on the store can tell that
/// what they hold may be stale. Writes made by other processes are not seen: caches also bound their age.
/// </summary>
public sealed class StoreGeneration
{
    private long _value;

    public long Current => Interlocked.Read(ref _value);

    public void Advance() => Interlocked.Increment(ref _value);

    /// <summary>Wraps the registered <see cref="IConfidantStore"/> so that every write advances the generation.</summary>
    internal static void Track(IServiceCollection services)
    {
        services.AddSingleton<StoreGeneration>();
        ServiceDecoration.Decorate<IConfidantStore>(
            services,
            (sp, inner) => new GenerationTrackingStore(inner, sp.GetRequiredService<StoreGeneration>()));
    }
}

/// <summary>Passes every call through; advances the generation after each write, whether it succeeded or not.</summary>
internal sealed class GenerationTrackingStore(IConfidantStore inner, StoreGeneration generation) : IConfidantStore
{
    public Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(ids, cancellationToken);

    public Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(dataType, request, cancellationToken);

    public Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default) =>
        inner.FindIdsByNameAsync(dataType, name, cancellationToken);

    public Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        inner.QueryArchiveAsync(dataType, request, cancellationToken);

    public Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.WriteRevisionAsync(current, cancellationToken));

    public Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.TouchAsync(item, cancellationToken));

    public Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.ArchiveAsync(id, expectedRevision, archiveDate, cancellationToken));

    public Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.RestoreAsync(id, cancellationToken));

    public Task<bool> PutExposureAsync(Exposure.ExposureMark mark, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.PutExposureAsync(mark, cancellationToken));

    public Task<bool> SetFingerprintsAsync(string id, int revision, Exposure.ValueFingerprints fingerprints, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.SetFingerprintsAsync(id, revision, fingerprints, cancellationToken));

    public Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.RewriteDataKeyAsync(table, rewritten, expectedDataKey, cancellationToken));

    public Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.SaveJobAsync(job, cancellationToken));

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        finally
        {
            generation.Advance();
        }
    }

    private async Task<T> WriteAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        finally
        {
            generation.Advance();
        }
    }
}
