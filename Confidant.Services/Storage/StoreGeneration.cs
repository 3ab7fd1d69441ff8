using Confidant.Services.Background;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Services.Storage;

/// <summary>
/// A counter that moves whenever what a read of the store shows may have changed, so read caches built on the store
/// can tell that what they hold may be stale. It moves at once for this process's writes, and for writes made through
/// other processes on the same store when the change beacon shows them (<see cref="Cluster.ClusterCoherence"/>,
/// within <c>Cluster:CoherenceMilliseconds</c>). Bookkeeping that leaves every value, name and mark as it was (a data
/// key re-wrapped or replaced by the re-encryption job, fingerprints filled in, a job's saved state) does not move it:
/// the job saves after every batch, and would otherwise empty every cache for as long as it runs.
/// </summary>
public sealed class StoreGeneration
{
    // How many recent changes are remembered with the item they touched; a reader further behind rebuilds.
    private const int Remembered = 1024;

    private readonly Lock _gate = new();
    private readonly string?[] _touched = new string?[Remembered];
    private readonly long[] _at = new long[Remembered];
    private long _value;
    private int _unannounced;
    private int _dataKeysUnannounced;
    private long _announcedThrough;

    public long Current => Interlocked.Read(ref _value);

    /// <summary>Woken by every change made here that other processes have not been told of yet.</summary>
    internal WakeSignal Unannounced { get; } = new();

    /// <summary>This process changed what reads show: caches here drop what they hold, other processes are told.</summary>
    public void Advance() => AdvanceHere(null);

    /// <summary>
    /// As <see cref="Advance"/>, and every process also forgets the plaintext data keys it keeps in memory (an item was
    /// archived, or data keys were replaced): none is kept longer than it is needed.
    /// </summary>
    public void AdvanceForgettingDataKeys()
    {
        Interlocked.Exchange(ref _dataKeysUnannounced, 1);
        Advance();
    }

    /// <summary>
    /// As <see cref="Advance"/>, for a change that touched the one current item <paramref name="itemId"/> and nothing
    /// else (a new revision of a resource): a cache that knows how may bring itself up to date by reading that item
    /// again (<see cref="TryTouchedSince"/>) instead of everything.
    /// </summary>
    internal void AdvanceTouching(string itemId) => AdvanceHere(itemId);

    /// <summary>
    /// Another process changed the store (the change beacon moved): caches here drop what they hold, or, when the
    /// announcement named the items it touched (<paramref name="touched"/>), may read those again instead.
    /// </summary>
    internal void AdvanceFromElsewhere(IReadOnlyCollection<string>? touched = null)
    {
        if (touched is null)
        {
            Move(null);
            return;
        }

        foreach (var id in touched)
        {
            Move(id);
        }
    }

    /// <summary>
    /// The items touched by the changes after generation <paramref name="from"/> up to <paramref name="to"/>, when each
    /// of them is remembered as touching one item only; false when any is not (a change made elsewhere, an archive, an
    /// exposure mark) or is no longer remembered.
    /// </summary>
    internal bool TryTouchedSince(long from, long to, out IReadOnlySet<string> itemIds)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        itemIds = touched;
        if (to < from || to - from > Remembered)
        {
            return false;
        }

        lock (_gate)
        {
            for (var generation = from + 1; generation <= to; generation++)
            {
                var slot = (int)(generation % Remembered);
                if (_at[slot] != generation || _touched[slot] is not { } id)
                {
                    return false;
                }

                touched.Add(id);
            }
        }

        return true;
    }

    private void AdvanceHere(string? itemId)
    {
        Move(itemId);
        Interlocked.Exchange(ref _unannounced, 1);
        Unannounced.Wake();
    }

    private void Move(string? itemId)
    {
        lock (_gate)
        {
            // Remembered before the count moves: a reader that sees the new generation finds what it touched.
            var next = _value + 1;
            var slot = (int)(next % Remembered);
            _touched[slot] = itemId;
            _at[slot] = next;
            Interlocked.Exchange(ref _value, next);
        }
    }

    /// <summary>
    /// Takes the changes not yet announced (one announcer at a time): whether there were any, whether data keys are to
    /// be forgotten, and the items they touched when each of them is known to touch one item only.
    /// </summary>
    internal PendingAnnouncement TakeUnannounced()
    {
        var changed = Interlocked.Exchange(ref _unannounced, 0) == 1;
        var forgetDataKeys = Interlocked.Exchange(ref _dataKeysUnannounced, 0) == 1;

        // Read after the flag is taken: a change that sets it again later is announced again, never missed.
        var from = _announcedThrough;
        var through = Current;
        _announcedThrough = through;
        var touched = changed && TryTouchedSince(from, through, out var items) ? items : null;
        return new PendingAnnouncement(changed, forgetDataKeys, touched, from);
    }

    /// <summary>Puts back changes whose announcement failed, to be announced at the next attempt.</summary>
    internal void Unannounce(PendingAnnouncement pending)
    {
        _announcedThrough = Math.Min(_announcedThrough, pending.From);
        if (pending.ForgetDataKeys)
        {
            Interlocked.Exchange(ref _dataKeysUnannounced, 1);
        }

        Interlocked.Exchange(ref _unannounced, 1);
    }

    /// <summary>Wraps the registered <see cref="IConfidantStore"/> so that every write advances the generation.</summary>
    internal static void Track(IServiceCollection services)
    {
        services.AddSingleton<StoreGeneration>();
        ServiceDecoration.Decorate<IConfidantStore>(
            services,
            (sp, inner) => new GenerationTrackingStore(inner, sp.GetRequiredService<StoreGeneration>()));
    }
}

/// <summary>Passes every call through; advances the generation after each write that changes what reads show, whether it succeeded or not.</summary>
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

    public Task<NamePage> ListNamesAsync(StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        inner.ListNamesAsync(table, dataType, request, cancellationToken);

    public Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.WriteRevisionAsync(current, cancellationToken), touching: current.Id);

    public Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.TouchAsync(item, cancellationToken), touching: item.Id);

    public Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.ArchiveAsync(id, expectedRevision, archiveDate, cancellationToken), forgetDataKeys: true);

    public Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.RestoreAsync(id, cancellationToken));

    public Task<bool> PutExposureAsync(Exposure.ExposureMark mark, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.PutExposureAsync(mark, cancellationToken));

    public Task<bool> SetFingerprintsAsync(string id, int revision, Exposure.ValueFingerprints fingerprints, CancellationToken cancellationToken = default) =>
        inner.SetFingerprintsAsync(id, revision, fingerprints, cancellationToken);

    public Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default) =>
        inner.RewriteDataKeyAsync(table, rewritten, expectedDataKey, cancellationToken);

    public Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default) =>
        inner.SaveJobAsync(job, cancellationToken);

    public Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default) =>
        inner.DeleteJobAsync(id, revision, cancellationToken);

    private async Task WriteAsync(Func<Task> write, bool forgetDataKeys = false, string? touching = null)
    {
        try
        {
            await write();
        }
        finally
        {
            if (forgetDataKeys)
            {
                generation.AdvanceForgettingDataKeys();
            }
            else if (touching is not null)
            {
                generation.AdvanceTouching(touching);
            }
            else
            {
                generation.Advance();
            }
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
