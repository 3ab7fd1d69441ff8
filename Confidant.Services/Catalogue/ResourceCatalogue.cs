using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Catalogue;

/// <summary>
/// The names and clear metadata of every credential, blind credential, service and archived credential, with their
/// exposure, kept once per process for every list of the UI: a page load reads this instead of listing the store,
/// which with tens of thousands of credentials cost far more than the rest of the page. It holds no value, ciphertext
/// or data key. It is built on first use, by one caller while the others wait, from the names and list fields of the
/// items (<see cref="IConfidantStore.ListNamesAsync"/>): only the few exposed resources are read whole, for their pending
/// keys, and the services while anything is exposed, for the incidents of what they map. On the next read after
/// <see cref="StoreGeneration"/> moves (any write that changes what reads show) it is brought up to date: when every
/// change since is a new revision of a resource made through this process, only those resources are read again and
/// put in place; otherwise (an archive, an exposure mark, a change made elsewhere) it is built again. After
/// <see cref="CatalogueOptions.MaxAgeSeconds"/> it is also built again, in the background, while reads go on being
/// served from the one in hand. Reads take the caller and check the same ACL action as the domain's lists
/// (<c>list</c> on the resource type, spec §3), so a caller sees only what it may list.
/// </summary>
public sealed partial class ResourceCatalogue(
    CatalogueReader reader,
    StoreGeneration generation,
    IAclPolicy acl,
    IOptions<CatalogueOptions> options,
    TimeProvider time,
    ILogger<ResourceCatalogue> logger) : IDisposable
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly Lock _gate = new();
    private volatile Snapshot? _snapshot;
    private Task _refreshing = Task.CompletedTask;

    /// <summary>The background rebuild last started after the maximum age, or a completed task.</summary>
    internal Task Refreshing
    {
        get
        {
            lock (_gate)
            {
#pragma warning disable VSTHRD003 // Started by this instance; it ends on its own.
                return _refreshing;
#pragma warning restore VSTHRD003
            }
        }
    }

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
        if (UpToDate(_snapshot) is { } snapshot)
        {
            return snapshot;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            // Brought up to date meanwhile by the caller this one waited for.
            if (UpToDate(_snapshot) is { } done)
            {
                return done;
            }

            // Shared by every waiting caller, so one caller leaving does not cancel it.
            var fresh = await BringUpToDateAsync(_snapshot, CancellationToken.None);
            _snapshot = fresh;
            return fresh;
        }
        finally
        {
            _building.Release();
        }
    }

    // The snapshot when it shows every change this process knows of; past its maximum age, a rebuild starts beside.
    private Snapshot? UpToDate(Snapshot? snapshot)
    {
        if (snapshot is null || snapshot.Generation != generation.Current)
        {
            return null;
        }

        if (time.GetElapsedTime(snapshot.BuiltAt) >= TimeSpan.FromSeconds(options.Value.MaxAgeSeconds))
        {
            RefreshInBackground(snapshot);
        }

        return snapshot;
    }

    private void RefreshInBackground(Snapshot old)
    {
        lock (_gate)
        {
            if (_refreshing.IsCompleted)
            {
                _refreshing = Task.Run(() => RefreshAsync(old));
            }
        }
    }

    private async Task RefreshAsync(Snapshot old)
    {
        try
        {
            await _building.WaitAsync();
            try
            {
                // Unless a rebuild already replaced it meanwhile.
                if (_snapshot?.BuiltAt == old.BuiltAt)
                {
                    _snapshot = await BuildAsync(CancellationToken.None);
                }
            }
            finally
            {
                _building.Release();
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The catalogue in hand is kept; the next read past the maximum age tries again.
            LogRefreshFailed(error);
        }
    }

    private async Task<Snapshot> BringUpToDateAsync(Snapshot? old, CancellationToken cancellationToken)
    {
        // Taken before the reads: a write that lands meanwhile makes the result stale at once.
        var through = generation.Current;
        return old is not null && generation.TryTouchedSince(old.Generation, through, out var touched)
            ? await PatchAsync(old, touched, through, cancellationToken)
            : await BuildAsync(cancellationToken);
    }

    // Reads the touched resources again and puts them in place of what the lists held for them (none when gone).
    private async Task<Snapshot> PatchAsync(Snapshot old, IReadOnlySet<string> touched, long through, CancellationToken cancellationToken)
    {
        var now = await reader.ReadAgainAsync(touched, cancellationToken);
        return old with
        {
            Credentials = Replace(old.Credentials, touched, now.Credentials),
            BlindCredentials = Replace(old.BlindCredentials, touched, now.BlindCredentials),
            Services = Replace(old.Services, touched, now.Services),
            Generation = through,
        };
    }

    // A list untouched stays the very same list, shared as before; a touched one is copied once.
    private static IReadOnlyList<CatalogueEntry> Replace(IReadOnlyList<CatalogueEntry> list, IReadOnlySet<string> touched, List<CatalogueEntry> added)
    {
        if (added.Count == 0 && !list.Any(e => touched.Contains(e.Id)))
        {
            return list;
        }

        var result = new List<CatalogueEntry>(list.Count + added.Count);
        result.AddRange(list.Where(e => !touched.Contains(e.Id)));
        foreach (var entry in added)
        {
            var at = result.BinarySearch(entry, CatalogueReader.ByName);
            result.Insert(at < 0 ? ~at : at, entry);
        }

        return result;
    }

    private async Task<Snapshot> BuildAsync(CancellationToken cancellationToken)
    {
        // Taken before the reads: a write that lands meanwhile makes this snapshot stale at once.
        var before = generation.Current;
        var builtAt = time.GetTimestamp();
        var lists = await reader.ReadAllAsync(cancellationToken);
        return new Snapshot(lists.Credentials, lists.BlindCredentials, lists.Services, lists.Archived, before, builtAt);
    }

    private void RequireList(ConfidantPrincipal caller, string resource, string what)
    {
        if (!acl.IsAllowed(caller, resource, AclActions.List))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to list {what}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalogue of names could not be built again after its maximum age; the one in hand is kept")]
    private partial void LogRefreshFailed(Exception error);

    private sealed record Snapshot(
        IReadOnlyList<CatalogueEntry> Credentials,
        IReadOnlyList<CatalogueEntry> BlindCredentials,
        IReadOnlyList<CatalogueEntry> Services,
        IReadOnlyList<CatalogueEntry> Archived,
        long Generation,
        long BuiltAt);
}
