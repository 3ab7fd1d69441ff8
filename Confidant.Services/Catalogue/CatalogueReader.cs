using Confidant.Services.Authorization;
using Confidant.Services.Exposure;
using Confidant.Services.Storage;

namespace Confidant.Services.Catalogue;

/// <summary>
/// Reads the catalogue's entries from the store (<see cref="ResourceCatalogue"/> keeps them): every resource by its
/// names and list fields only, the few exposed ones whole for their pending keys, or a few touched resources again.
/// Entries carry no value, ciphertext or data key.
/// </summary>
public sealed class CatalogueReader(IConfidantStore store, ExposureIndex exposures)
{
    /// <summary>The lists' order: by name, case aside, then by id.</summary>
    internal static readonly Comparer<CatalogueEntry> ByName = Comparer<CatalogueEntry>.Create((a, b) =>
        StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name) is var byName and not 0 ? byName : string.CompareOrdinal(a.Id, b.Id));

    // Items read from the store per page while building: bounds the transient memory of a build.
    private const int BuildPageSize = 1000;

    /// <summary>Every current resource by name, and the archived credentials most recently archived first.</summary>
    internal async Task<CatalogueLists> ReadAllAsync(CancellationToken cancellationToken)
    {
        var marks = await exposures.SnapshotAsync(cancellationToken);
        var exposedCredentials = marks.ExposedIds(AclResources.Credential);
        var exposedBlind = marks.ExposedIds(AclResources.BlindCredential);
        var credentials = await ListAsync(StoreTable.Primary, DataType.Credential, CatalogueKind.Credential, cancellationToken);
        var blind = await ListAsync(StoreTable.Primary, DataType.BlindCredential, CatalogueKind.BlindCredential, cancellationToken);

        // A service shows the incidents of what it maps, which only its whole item names: while nothing is exposed
        // (most of the time) no service can be, and its name and mapped count do.
        var services = exposedCredentials.Count == 0 && exposedBlind.Count == 0
            ? await ListAsync(StoreTable.Primary, DataType.Service, CatalogueKind.Service, cancellationToken)
            : await ReadServicesAsync(marks, cancellationToken);
        var archived = await ListAsync(StoreTable.Archive, DataType.Credential, CatalogueKind.ArchivedCredential, cancellationToken);

        credentials = await WithExposureAsync(credentials, DataType.Credential, exposedCredentials, marks, cancellationToken);
        blind = await WithExposureAsync(blind, DataType.BlindCredential, exposedBlind, marks, cancellationToken);
        credentials.Sort(ByName);
        blind.Sort(ByName);
        services.Sort(ByName);
        return new CatalogueLists(credentials, blind, services, [.. archived.OrderByDescending(e => e.ArchiveDate ?? e.ModifiedDate)]);
    }

    /// <summary>The current entries of <paramref name="ids"/>, by kind; one gone has none. The archive is not read.</summary>
    internal async Task<CatalogueLists> ReadAgainAsync(IReadOnlySet<string> ids, CancellationToken cancellationToken)
    {
        var items = await store.GetManyAsync(ids, cancellationToken);
        var marks = await exposures.SnapshotAsync(cancellationToken);
        return new CatalogueLists(
            [.. items.OfType<CredentialItem>().Where(i => i.DataType == DataType.Credential).Select(i => Entry(CatalogueKind.Credential, i, marks))],
            [.. items.OfType<BlindCredentialItem>().Select(i => Entry(CatalogueKind.BlindCredential, i, marks))],
            [.. items.OfType<ServiceItem>().Select(i => Entry(i, marks))],
            []);
    }

    // Names only, page by page: no ciphertext, pair or metadata is read.
    private async Task<List<CatalogueEntry>> ListAsync(StoreTable table, DataType type, CatalogueKind kind, CancellationToken cancellationToken)
    {
        var entries = new List<CatalogueEntry>();
        string? token = null;
        do
        {
            var page = await store.ListNamesAsync(table, type, new PageRequest(BuildPageSize, Descending: false, token), cancellationToken);
            entries.AddRange(page.Items.Select(n =>
                new CatalogueEntry(kind, n.Id, n.Name, n.Enabled, n.Revision, n.ModifiedDate, n.ArchiveDate, n.MappedCount, null, null)));
            token = page.NextToken;
        }
        while (token is not null);

        return entries;
    }

    // The few exposed resources are read whole: their pending keys come from their values' fingerprints. One gone
    // since its name was read is left out, as a listing made now would.
    private async Task<List<CatalogueEntry>> WithExposureAsync(
        List<CatalogueEntry> entries, DataType type, IReadOnlySet<string> exposed, ExposureSnapshot marks, CancellationToken cancellationToken)
    {
        var ids = entries.Where(e => exposed.Contains(e.Id)).Select(e => e.Id).ToList();
        if (ids.Count == 0)
        {
            return entries;
        }

        var whole = (await store.GetManyAsync(ids, cancellationToken))
            .Where(i => i.DataType == type)
            .ToDictionary(i => i.Id, StringComparer.Ordinal);
        var result = new List<CatalogueEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (!exposed.Contains(entry.Id))
            {
                result.Add(entry);
            }
            else if (whole.TryGetValue(entry.Id, out var item))
            {
                result.Add(item is CredentialItem credential
                    ? Entry(entry.Kind, credential, marks)
                    : Entry(entry.Kind, (BlindCredentialItem)item, marks));
            }
        }

        return result;
    }

    // Page by page, so that only one page of whole items is held at a time.
    private async Task<List<CatalogueEntry>> ReadServicesAsync(ExposureSnapshot marks, CancellationToken cancellationToken)
    {
        var entries = new List<CatalogueEntry>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(DataType.Service, new PageRequest(BuildPageSize, Descending: false, token), cancellationToken);
            entries.AddRange(page.Items.OfType<ServiceItem>().Select(item => Entry(item, marks)));
            token = page.NextToken;
        }
        while (token is not null);

        return entries;
    }

    private static CatalogueEntry Entry(CatalogueKind kind, CredentialItem item, ExposureSnapshot marks) =>
        Entry(kind, item, item.Name, item.Enabled, marks);

    private static CatalogueEntry Entry(CatalogueKind kind, BlindCredentialItem item, ExposureSnapshot marks) =>
        Entry(kind, item, item.Name, item.Enabled, marks);

    private static CatalogueEntry Entry(CatalogueKind kind, StoredItem item, string name, bool enabled, ExposureSnapshot marks)
    {
        var exposure = marks.Of(item);
        return new CatalogueEntry(kind, item.Id, name, enabled, item.Revision, item.ModifiedDate, item.ArchiveDate, 0, exposure?.Incidents, exposure?.Pending);
    }

    private static CatalogueEntry Entry(ServiceItem item, ExposureSnapshot marks) => new(
        CatalogueKind.Service,
        item.Id,
        item.Id,
        item.Enabled,
        item.Revision,
        item.ModifiedDate,
        item.ArchiveDate,
        item.Credentials.Count + item.BlindCredentials.Count,
        marks.Of(item)?.Incidents,
        null);
}
