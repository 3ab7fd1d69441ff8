namespace Confidant.Services.Storage.Copying;

/// <summary>Every item of a store, primary table and archive, grouped by resource.</summary>
internal sealed class StoreSnapshot
{
    // Exposure marks go along (the recovery rules hold on the new backend); a job's state does not: its cursor names
    // pages of the source backend, and the target's items need no job to have been run on them anyway.
    private static readonly DataType[] Types =
    [
        DataType.Credential, DataType.ArchiveCredential, DataType.BlindCredential,
        DataType.ArchiveBlindCredential, DataType.Service, DataType.ArchiveService, DataType.Exposure,
    ];

    private readonly Dictionary<(string Id, bool Archived), StoredItem> _items = [];

    public IEnumerable<StoredItem> All => _items.Values;

    public bool IsEmpty => _items.Count == 0;

    public int ResourceCount => Resources().Count();

    public static async Task<StoreSnapshot> ReadAsync(IConfidantStore store, CancellationToken cancellationToken)
    {
        var snapshot = new StoreSnapshot();
        foreach (var type in Types)
        {
            foreach (var item in (await store.QueryAsync(type, PageRequest.All, cancellationToken)).Items)
            {
                snapshot._items[(item.Id, false)] = item;
            }

            foreach (var item in (await store.QueryArchiveAsync(type, PageRequest.All, cancellationToken)).Items)
            {
                snapshot._items[(item.Id, true)] = item;
            }
        }

        return snapshot;
    }

    public StoredItem? Find(StoredItem like) => _items.GetValueOrDefault((like.Id, like.ArchiveDate is not null));

    /// <summary>Per resource (primary and archive apart): its revision records in order and its current item.</summary>
    public IEnumerable<ResourceItems> Resources() => _items
        .GroupBy(p => (p.Value.BaseId, p.Key.Archived))
        .OrderBy(g => g.Key.Archived)
        .ThenBy(g => g.Key.BaseId, StringComparer.Ordinal)
        .Select(g => new ResourceItems(
            g.Key.BaseId,
            g.Key.Archived,
            g.Select(p => p.Value).Where(i => i.DataType.IsRevision()).OrderBy(i => i.Revision).ToList(),
            g.Select(p => p.Value).FirstOrDefault(i => !i.DataType.IsRevision())));
}

/// <summary>One resource's items in one table.</summary>
internal sealed record ResourceItems(string Id, bool Archived, IReadOnlyList<StoredItem> Revisions, StoredItem? Current);
