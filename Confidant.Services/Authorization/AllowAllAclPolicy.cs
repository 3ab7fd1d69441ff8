namespace Confidant.Services.Authorization;

/// <summary>
/// The original's <c>confidant.authnz.rbac:no_acl</c> (spec §10.1 ACL_MODULE): every caller may do everything, a
/// service included. Chosen with <c>Acl:Policy=AllowAll</c>; outside Development only with
/// <c>Acl:ConfirmAllowAll=true</c> (<see cref="AclOptions"/>).
/// </summary>
public sealed class AllowAllAclPolicy : IAclPolicy
{
    public bool IsAllowed(
        ConfidantPrincipal principal,
        string resourceType,
        string action,
        string? resourceId = null,
        AclArguments? arguments = null) => true;
}
