using Confidant.Services.Authorization;
using Confidant.Services.Errors;

namespace Confidant.Services.Iam;

/// <summary>The IAM role names offered as service names (spec §4.5 GET /v1/roles, §8.3).</summary>
public sealed class RoleNames(IRoleDirectory roles, IAclPolicy acl)
{
    /// <summary>Role names, for callers who may list services (the original's check for /v1/roles).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.List))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to list services");
        }

        return await roles.ListRoleNamesAsync(cancellationToken);
    }
}
