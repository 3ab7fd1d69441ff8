using Confidant.Services.Authorization;
using Confidant.Services.Errors;

namespace Confidant.Services.Notifications.Deliveries;

/// <summary>Reads of the delivery log for the admin page and the REST API, behind the ACL (<c>notification:list</c>, admins).</summary>
public sealed class DeliveryLogReader(IDeliveryLogStore store, IAclPolicy acl)
{
    public bool CanRead(ConfidantPrincipal caller) => acl.IsAllowed(caller, AclResources.Notification, AclActions.List);

    /// <summary>A page of attempts matching <paramref name="query"/>, newest first.</summary>
    public Task<DeliveryPage> QueryAsync(ConfidantPrincipal caller, DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        if (!CanRead(caller))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to the delivery log");
        }

        return store.QueryAsync(query, cancellationToken);
    }
}
