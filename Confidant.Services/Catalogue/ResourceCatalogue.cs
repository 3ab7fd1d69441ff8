using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Catalogue;

/// <summary>
/// The names and clear metadata of every credential, blind credential, service and archived credential, with their
/// exposure, kept once per process for every list of the UI: a page load reads this instead of listing the store,
/// which with tens of thousands of credentials cost far more than the rest of the page. It holds no value, ciphertext
/// or data key. It is built on first use, by one caller while the others wait, and built again on the next read
/// after <see cref="StoreGeneration"/> moves (any write that changes what reads show) or after
/// <see cref="CatalogueOptions.MaxAgeSeconds"/>. Reads take the caller and check the same ACL action as the domain's
/// lists (<c>list</c> on the resource type, spec §3), so a caller sees only what it may list.
/// </summary>
public sealed class ResourceCatalogue(
    IConfidantStore store,
    ExposureIndex exposures,
    StoreGeneration generation,
    IAclPolicy acl,
    IOptions<CatalogueOptions> options,
    TimeProvider time) : IDisposable
{
    // Items read from the store per page while building: bounds the transient memory of a build.
    private const int BuildPageSize = 1000;

    private readonly SemaphoreSlim _building = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>Current credentials, by name.</summary>
    public async Task<IReadOnlyList<CatalogueEntry>> CredentialsAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        RequireList(caller, AclResources.Credential, "credentials");
        return (await SnapshotAsync(cancellationToken)).Credentials;
    }

    /// <summary>Current blind credentials, by name.</summary>
    public async Task<IReadOnlyList<CatalogueEntry>> BlindCredentialsAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        RequireList(caller, AclResources.BlindCredential, "blind credentials");
        return (await SnapshotAsync(cancellationToken)).BlindCredentials;
    }

    /// <summary>Current services, by id.</summary>
    public async Task<IReadOnlyList<CatalogueEntry>> ServicesAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        RequireList(caller, AclResources.Service, "services");
        return (await SnapshotAsync(cancellationToken)).Services;
    }

    /// <summary>Credentials in the archive table (spec §9.3), most recently archived first.</summary>
    public async Task<IReadOnlyList<CatalogueEntry>> ArchivedCredentialsAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        RequireList(caller, AclResources.Credential, "credentials");
        return (await SnapshotAsync(cancellationToken)).Archived;
    }

    public void Dispose() => _building.Dispose();

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_snapshot) is { } snapshot)
        {
            return snapshot;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            // Built meanwhile by the caller this one waited for.
            if (Fresh(_snapshot) is { } built)
            {
                return built;
            }

            // Shared by every waiting caller, so one caller leaving does not cancel it.
            var fresh = await BuildAsync(CancellationToken.None);
            _snapshot = fresh;
            return fresh;
        }
        finally
        {
            _building.Release();
        }
    }

    private Snapshot? Fresh(Snapshot? snapshot) =>
        snapshot is not null
        && snapshot.Generation == generation.Current
        && time.GetElapsedTime(snapshot.BuiltAt) < TimeSpan.FromSeconds(options.Value.MaxAgeSeconds)
            ? snapshot
            : null;

    private async Task<Snapshot> BuildAsync(CancellationToken cancellationToken)
    {
        // Taken before the reads: a write that lands meanwhile makes this snapshot stale at once.
        var before = generation.Current;
        var builtAt = time.GetTimestamp();
        var marks = await exposures.SnapshotAsync(cancellationToken);
        List<CatalogueEntry> credentials = [], blind = [], services = [], archived = [];
        await ReadAllAsync(DataType.Credential, archive: false, item => credentials.Add(Entry(CatalogueKind.Credential, (CredentialItem)item, marks)), cancellationToken);
        await ReadAllAsync(DataType.BlindCredential, archive: false, item => blind.Add(Entry(CatalogueKind.BlindCredential, (BlindCredentialItem)item, marks)), cancellationToken);
        await ReadAllAsync(DataType.Service, archive: false, item => services.Add(Entry((ServiceItem)item, marks)), cancellationToken);
        await ReadAllAsync(DataType.Credential, archive: true, item => archived.Add(Entry(CatalogueKind.ArchivedCredential, (CredentialItem)item, null)), cancellationToken);
        return new Snapshot(
            [.. credentials.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)],
            [.. blind.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)],
            [.. services.OrderBy(e => e.Id, StringComparer.OrdinalIgnoreCase)],
            [.. archived.OrderByDescending(e => e.ArchiveDate ?? e.ModifiedDate)],
            before,
            builtAt);
    }

    // Page by page, so that only one page of whole items (ciphertexts included) is held at a time.
    private async Task ReadAllAsync(DataType type, bool archive, Action<StoredItem> add, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new PageRequest(BuildPageSize, Descending: false, token);
            var page = archive
                ? await store.QueryArchiveAsync(type, request, cancellationToken)
                : await store.QueryAsync(type, request, cancellationToken);
            foreach (var item in page.Items)
            {
                // The archive table also holds revision records; only current items are listed.
                if (item.DataType == type && (type == DataType.Service ? item is ServiceItem : item is CredentialItem or BlindCredentialItem))
                {
                    add(item);
                }
            }

            token = page.NextToken;
        }
        while (token is not null);
    }

    private static CatalogueEntry Entry(CatalogueKind kind, CredentialItem item, ExposureSnapshot? marks)
    {
        var exposure = marks?.Of(item);
        return new CatalogueEntry(kind, item.Id, item.Name, item.Enabled, item.Revision, item.ModifiedDate, item.ArchiveDate, 0, exposure?.Incidents, exposure?.Pending);
    }

    private static CatalogueEntry Entry(CatalogueKind kind, BlindCredentialItem item, ExposureSnapshot marks)
    {
        var exposure = marks.Of(item);
        return new CatalogueEntry(kind, item.Id, item.Name, item.Enabled, item.Revision, item.ModifiedDate, item.ArchiveDate, 0, exposure?.Incidents, exposure?.Pending);
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

    private void RequireList(ConfidantPrincipal caller, string resource, string what)
    {
        if (!acl.IsAllowed(caller, resource, AclActions.List))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to list {what}");
        }
    }

    private sealed record Snapshot(
        IReadOnlyList<CatalogueEntry> Credentials,
        IReadOnlyList<CatalogueEntry> BlindCredentials,
        IReadOnlyList<CatalogueEntry> Services,
        IReadOnlyList<CatalogueEntry> Archived,
        long Generation,
        long BuiltAt);
}
