using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;

namespace Confidant.Services.ServiceMappings;

/// <summary>The read side of services: lists, history, revisions, the services using a resource, and diffs.</summary>
public sealed partial class ServiceMappingService
{
    public async Task<Page<ServiceItem>> ListAsync(
        ConfidantPrincipal caller,
        int? limit = null,
        string? page = null,
        CancellationToken cancellationToken = default)
    {
        RequireList(caller);
        var request = limit is null ? PageRequest.All : new PageRequest(limit, Descending: true, page);
        return SortedById(await store.QueryAsync(DataType.Service, request, cancellationToken));
    }

    public async Task<Page<ServiceItem>> ListHistoryAsync(
        ConfidantPrincipal caller,
        int? limit = null,
        string? page = null,
        CancellationToken cancellationToken = default)
    {
        RequireList(caller);
        return SortedById(await store.QueryAsync(DataType.ArchiveService, new PageRequest(limit, Descending: true, page), cancellationToken));
    }

    public async Task<IReadOnlyList<ServiceItem>> ListRevisionsAsync(
        ConfidantPrincipal caller,
        string id,
        CancellationToken cancellationToken = default)
    {
        RequireMetadata(caller, id, $"{caller.Name} does not have access to service {id} revisions");
        var current = await LoadCurrentAsync(id, cancellationToken);
        var ids = Enumerable.Range(1, current.Revision).Select(n => RevisionId.Of(id, n));
        return (await store.GetManyAsync(ids, cancellationToken)).OfType<ServiceItem>().OrderBy(s => s.Revision).ToList();
    }

    /// <summary>
    /// Services whose mapping contains a credential (<paramref name="resourceType"/> <see cref="AclResources.Credential"/>)
    /// or a blind credential (<see cref="AclResources.BlindCredential"/>), for callers who may see that resource's
    /// metadata (spec §4.2, §4.4 GET …/&lt;id&gt;/services). An unknown id has no services.
    /// </summary>
    public async Task<IReadOnlyList<ServiceReference>> ListServicesUsingAsync(
        ConfidantPrincipal caller,
        string resourceType,
        string resourceId,
        CancellationToken cancellationToken = default)
    {
        if (resourceType is not (AclResources.Credential or AclResources.BlindCredential))
        {
            throw new ArgumentOutOfRangeException(nameof(resourceType), resourceType, "Only credentials and blind credentials are mapped to services.");
        }

        if (!acl.IsAllowed(caller, resourceType, AclActions.Metadata, resourceId))
        {
            var what = resourceType == AclResources.Credential ? "credential" : "blind credential";
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to get dependencies for {what} {resourceId}", resourceId);
        }

        var services = await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken);
        var mapped = resourceType == AclResources.Credential ? (Func<ServiceItem, IReadOnlyList<string>>)(s => s.Credentials) : s => s.BlindCredentials;
        return services.Items.OfType<ServiceItem>()
            .Where(s => mapped(s).Contains(resourceId))
            .Select(s => new ServiceReference(s.Id, s.Enabled))
            .ToList();
    }

    public async Task<System.Text.Json.Nodes.JsonObject> DiffAsync(
        ConfidantPrincipal caller,
        string id,
        int oldRevision,
        int newRevision,
        CancellationToken cancellationToken = default)
    {
        RequireMetadata(caller, id, $"{caller.Name} does not have access to diff service {id}");
        var (low, high) = oldRevision <= newRevision ? (oldRevision, newRevision) : (newRevision, oldRevision);
        var old = await LoadRevisionAsync(id, low, cancellationToken);
        var @new = await LoadRevisionAsync(id, high, cancellationToken);
        return low == high ? [] : RevisionDiff.Services(old, @new);
    }

    private static Page<ServiceItem> SortedById(ItemPage page) => new(
        page.Items.OfType<ServiceItem>().OrderBy(s => s.Id, StringComparer.OrdinalIgnoreCase).ToList(),
        page.NextToken);
}
