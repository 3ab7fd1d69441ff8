using Confidant.Services.Certificates;

namespace Confidant.Services.Authorization;

/// <summary>
/// Spec §3.3: a service may read only its own service mapping (and, through it, its credentials), list and read CAs,
/// and get certificates for the names <paramref name="certificateNames"/> gives it; people may do everything except
/// certificates and CAs — limited further by their role when they have roles (<see cref="ConfidantRoles"/>).
/// </summary>
public sealed class DefaultAclPolicy(CertificateNameRules? certificateNames = null) : IAclPolicy
{
    public bool IsAllowed(
        ConfidantPrincipal principal,
        string resourceType,
        string action,
        string? resourceId = null,
        AclArguments? arguments = null)
    {
        if (principal.IsService)
        {
            return resourceType switch
            {
                AclResources.Service => action is AclActions.Metadata or AclActions.Get
                    && string.Equals(resourceId, principal.Name, StringComparison.Ordinal),
                AclResources.Ca => action is AclActions.List or AclActions.Get,
                AclResources.Certificate => action is AclActions.Get
                    && certificateNames is not null
                    && certificateNames.Allows(principal.Name, arguments?.Ca ?? string.Empty, resourceId, arguments?.San ?? []),
                _ => false,
            };
        }

        return resourceType is not (AclResources.Certificate or AclResources.Ca)
            && principal.HasRole(RequiredRole(resourceType, action));
    }

    /// <summary>The least role a person needs for an action.</summary>
    public static string RequiredRole(string resourceType, string action) => (resourceType, action) switch
    {
        // Where notifications went and whom they told, and telling owners in Confidant's name.
        (AclResources.Notification, _) => ConfidantRoles.Admin,

        // Who received which secret, across every resource: a reader must not learn it from the trail.
        (AclResources.Audit, _) => ConfidantRoles.Admin,

        // Re-encrypting everything at rest is an act on every secret at once.
        (AclResources.Rekey, _) => ConfidantRoles.Admin,
        (_, AclActions.List or AclActions.Metadata) => ConfidantRoles.Reader,

        // Blind credentials are ciphertext the server cannot read: seeing them reveals nothing.
        (AclResources.BlindCredential, AclActions.Get) => ConfidantRoles.Reader,
        (AclResources.Service, AclActions.Create) => ConfidantRoles.Admin,
        (AclResources.Credential, AclActions.Archive) => ConfidantRoles.Admin,
        _ => ConfidantRoles.Editor,
    };
}
