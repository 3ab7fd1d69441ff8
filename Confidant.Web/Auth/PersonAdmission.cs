using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>The answer of <see cref="PersonAdmission.Admit"/>: the person's e-mail and roles, or why they are refused.</summary>
internal sealed record Admission(bool Allowed, string? Email, IReadOnlySet<string> Roles, string? Refusal)
{
    public static Admission Refuse(string reason) => new(false, null, new HashSet<string>(), reason);
}

/// <summary>
/// Turns what an identity provider says about a person into Confidant's claims, at sign-in and at every
/// revalidation: drops claims named like ours, checks the tenant (Entra ID), takes the e-mail only from claims the
/// provider vouches for, applies the allow-list (spec §2.5) and stamps the e-mail and the mapped roles.
/// </summary>
internal sealed partial class PersonAdmission(IOptionsMonitor<AuthOptions> options, IConfiguration configuration, ILogger<PersonAdmission> logger)
{
    private const string EntraTenantClaimType = "http://schemas.microsoft.com/identity/claims/tenantid";
    private const string UpnClaimType = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";

    /// <summary>Admits or refuses the person; on admission <paramref name="identity"/> carries our claims.</summary>
    public Admission Admit(ClaimsIdentity identity)
    {
        var auth = options.CurrentValue;

        // A provider (or a tenant admin's custom claim) must not be able to make a person a service, give roles or
        // pick a session: every claim named like ours is dropped before ours are added.
        RemoveAll(identity, claim => claim.Type.StartsWith(ConfidantClaims.Prefix, StringComparison.OrdinalIgnoreCase));

        if (auth.IsEntraId && !IsAllowedTenant(identity, auth))
        {
            return Refused(Admission.Refuse("the Entra ID tenant is not allowed"));
        }

        var email = EmailOf(identity, auth);
        if (email is null)
        {
            return Refused(Admission.Refuse("the provider vouches for no e-mail address"));
        }

        var listed = ListedUsers(auth);
        if (listed is null)
        {
            return Refused(Admission.Refuse("Auth:AllowedUsersFile cannot be read"));
        }

        if (!AllowedPeople.IsAllowed(email, auth, listed))
        {
            return Refused(Admission.Refuse("outside Auth:AllowedEmailSuffix / Auth:AllowedUsers"));
        }

        RemoveAll(identity, claim => claim.Type is "email" or ClaimTypes.Email);
        identity.AddClaim(new Claim("email", email));
        var roles = RoleMapping.Map(identity.Claims, auth.Roles);
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(ConfidantClaims.Role, role));
        }

        return new Admission(true, email, roles, null);
    }

    /// <summary>
    /// The e-mail that identifies the person (spec §2.8), from claims the provider vouches for. A generic provider's
    /// <c>email</c> counts only with <c>email_verified</c> true: many let users type any address. Entra ID's
    /// <c>email</c> is not verified either; its <c>preferred_username</c> / <c>upn</c> is the sign-in name, on a domain
    /// the tenant has verified, so it is used instead (trusting the tenant, which the tenant check has chosen).
    /// </summary>
    internal static string? EmailOf(ClaimsIdentity identity, AuthOptions auth)
    {
        string? email;
        if (auth.IsEntraId)
        {
            email = First(identity, "preferred_username", "upn", UpnClaimType);
        }
        else
        {
            email = First(identity, "email", ClaimTypes.Email);
            var verified = identity.FindFirst("email_verified")?.Value;
            if (!string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        email = email?.Trim().ToLowerInvariant();
        return email is { Length: > 2 and <= 256 } && email.Contains('@', StringComparison.Ordinal) && !email.Any(char.IsControl)
            ? email
            : null;
    }

    /// <summary>
    /// The tenants whose people may sign in: <c>Auth:EntraId:AllowedTenants</c>, else the configured tenant when it is
    /// a tenant id (a domain name is pinned by the issuer check alone).
    /// </summary>
    internal static bool IsAllowedTenant(ClaimsIdentity identity, AuthOptions auth, string? configuredTenantId)
    {
        var allowed = auth.EntraId.AllowedTenants.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList();
        if (allowed.Count == 0 && Guid.TryParse(configuredTenantId, out _))
        {
            allowed.Add(configuredTenantId!.Trim());
        }

        if (allowed.Count == 0)
        {
            return configuredTenantId is not null
                && !AuthOptionsValidator.MultiTenantAliases.Contains(configuredTenantId.Trim(), StringComparer.OrdinalIgnoreCase);
        }

        var tenant = First(identity, "tid", EntraTenantClaimType);
        return tenant is not null && allowed.Contains(tenant, StringComparer.OrdinalIgnoreCase);
    }

    private static string? First(ClaimsIdentity identity, params string[] types) =>
        types.Select(type => identity.FindFirst(type)?.Value).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));

    private static void RemoveAll(ClaimsIdentity identity, Func<Claim, bool> match)
    {
        foreach (var claim in identity.Claims.Where(match).ToList())
        {
            identity.RemoveClaim(claim);
        }
    }

    private bool IsAllowedTenant(ClaimsIdentity identity, AuthOptions auth) =>
        IsAllowedTenant(identity, auth, configuration[$"{AuthOptionsValidator.AzureAdSectionName}:TenantId"]);

    private HashSet<string>? ListedUsers(AuthOptions auth)
    {
        var listed = auth.AllowedUsers.Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u.Trim().ToLowerInvariant()).ToHashSet();
        if (string.IsNullOrWhiteSpace(auth.AllowedUsersFile))
        {
            return listed;
        }

        try
        {
            listed.UnionWith(AllowedUsersFile.Read(auth.AllowedUsersFile));
            return listed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Fail closed: a file that cannot be read admits nobody, rather than everybody.
            LogUsersFileUnreadable(logger, e.Message);
            return null;
        }
    }

    private Admission Refused(Admission refusal)
    {
        LogRefused(logger, refusal.Refusal!);
        return refusal;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: {Reason}.")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Auth:AllowedUsersFile cannot be read: {Problem}")]
    private static partial void LogUsersFileUnreadable(ILogger logger, string problem);
}
