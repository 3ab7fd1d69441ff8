using System.Security.Claims;
using Confidant.Services.Authorization;

namespace Confidant.Web.Auth;

/// <summary>
/// Which claim values (group ids, app-role names) grant which <see cref="ConfidantRoles"/>. Lists default to empty
/// rather than to values, because configuration binding appends to pre-filled lists instead of replacing them.
/// </summary>
internal sealed class RoleMappingOptions
{
    public const string SectionName = "Auth:Roles";

    public static IReadOnlyList<string> DefaultRoleClaimTypes { get; } = ["roles", "groups"];

    public string[] RoleClaimTypes { get; set; } = [];

    public string[] Reader { get; set; } = [];

    public string[] Editor { get; set; } = [];

    public string[] Admin { get; set; } = [];

    /// <summary>The role of a signed-in person none of whose claims is mapped; empty means no access.</summary>
    public string? Default { get; set; }

    public IReadOnlyList<string> EffectiveRoleClaimTypes => RoleClaimTypes.Length > 0 ? RoleClaimTypes : DefaultRoleClaimTypes;
}

internal static class RoleMapping
{
    /// <summary>
    /// The roles a person's claims grant. Values compare ordinally: providers such as Keycloak treat group names
    /// case-sensitively, so "Admins" must not match "admins".
    /// </summary>
    public static IReadOnlySet<string> Map(IEnumerable<Claim> claims, RoleMappingOptions options)
    {
        // Microsoft.Identity.Web maps inbound claims whatever MapInboundClaims says, renaming "roles" to the long
        // role claim type; both spellings count.
        var claimTypes = options.EffectiveRoleClaimTypes
            .SelectMany(type => type is "roles" or "role" ? [type, ClaimTypes.Role] : new[] { type })
            .ToHashSet(StringComparer.Ordinal);
        return MapValues(claims.Where(claim => claimTypes.Contains(claim.Type)).Select(claim => claim.Value), options);
    }

    /// <summary>The roles that <paramref name="granted"/> (group ids, app-role names) map to, else the default role.</summary>
    public static IReadOnlySet<string> MapValues(IEnumerable<string> granted, RoleMappingOptions options)
    {
        var values = granted.ToHashSet(StringComparer.Ordinal);
        var roles = new HashSet<string>(StringComparer.Ordinal);
        AddIfAny(roles, values, options.Reader, ConfidantRoles.Reader);
        AddIfAny(roles, values, options.Editor, ConfidantRoles.Editor);
        AddIfAny(roles, values, options.Admin, ConfidantRoles.Admin);
        if (roles.Count == 0 && !string.IsNullOrWhiteSpace(options.Default))
        {
            roles.Add(options.Default.Trim().ToLowerInvariant());
        }

        return roles;
    }

    private static void AddIfAny(HashSet<string> roles, HashSet<string> values, string[] granting, string role)
    {
        if (granting.Any(values.Contains))
        {
            roles.Add(role);
        }
    }
}
