namespace Confidant.Services.Authorization;

/// <summary>
/// Spec §3.3: users may do everything except certificates and CAs; a service may read only its own service mapping
/// (and, through it, its credentials).
/// </summary>
public sealed class DefaultAclPolicy : IAclPolicy
{
    public bool IsAllowed(
        ConfidantPrincipal principal,
        string resourceType,
        string action,
        string? resourceId = null,
        AclArguments? arguments = null)
    {
        if (!principal.IsService)
        {
            return resourceType is not (AclResources.Certificate or AclResources.Ca);
        }

        return resourceType switch
        {
            AclResources.Service => action is AclActions.Metadata or AclActions.Get
                && string.Equals(resourceId, principal.Name, StringComparison.Ordinal),
            AclResources.Ca => action is AclActions.List or AclActions.Get,
            _ => false,
        };
    }
}

/// <summary>Spec "no_acl": everything is allowed (development only).</summary>
public sealed class AllowAllAclPolicy : IAclPolicy
{
    public bool IsAllowed(
        ConfidantPrincipal principal,
        string resourceType,
        string action,
        string? resourceId = null,
        AclArguments? arguments = null) => true;
}
