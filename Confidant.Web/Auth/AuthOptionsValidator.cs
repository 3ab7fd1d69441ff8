using Confidant.Services.Authorization;
using Confidant.Web.Auth.Header;
using Confidant.Web.Auth.Sessions;
using Confidant.Web.Network;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>Checks the sign-in settings at start-up; every message names the key to fix.</summary>
internal sealed class AuthOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<AuthOptions>
{
    /// <summary>Microsoft.Identity.Web's own section, bound as it documents.</summary>
    public const string AzureAdSectionName = "AzureAd";

    /// <summary>The Entra ID tenant aliases that admit people of any tenant.</summary>
    public static readonly string[] MultiTenantAliases = ["common", "organizations", "consumers"];

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.Mode))
        {
            failures.Add("Auth:Mode is not set. Outside the Development environment the sign-in must be chosen: set Auth:Mode " +
                $"to '{AuthOptions.EntraIdMode}', '{AuthOptions.OidcMode}' or '{AuthOptions.HeaderMode}' " +
                $"('{AuthOptions.DevelopmentMode}' lets anyone on this machine sign in under any name).");
        }
        else if (options.IsOidc)
        {
            ValidateOidc(options.Oidc, failures);
        }
        else if (options.IsEntraId)
        {
            ValidateEntraId(configuration?.GetSection(AzureAdSectionName), options.EntraId, failures);
        }
        else if (options.IsHeader)
        {
            ValidateHeader(options.Header, configuration, failures);
        }
        else if (string.Equals(options.Mode, "saml", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add("Auth:Mode 'saml' (USER_AUTH_MODULE=saml) is not supported. Sign in against the same identity provider " +
                $"with OpenID Connect instead: Auth:Mode '{AuthOptions.OidcMode}' (Okta, Keycloak, Google, ADFS…) or " +
                $"'{AuthOptions.EntraIdMode}' (Entra ID), or '{AuthOptions.HeaderMode}' behind an authenticating proxy.");
        }
        else if (!options.IsDevelopment)
        {
            failures.Add($"Auth:Mode '{options.Mode}' is not a known sign-in mode; set Auth:Mode to " +
                $"'{AuthOptions.DevelopmentMode}', '{AuthOptions.EntraIdMode}', '{AuthOptions.OidcMode}' or '{AuthOptions.HeaderMode}'.");
        }

        ValidateAllowList(options, failures);
        ValidateSession(options.Session, failures);
        ValidateRoles(options.Roles, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateOidc(OidcProviderOptions oidc, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(oidc.Authority))
        {
            failures.Add("Auth:Oidc:Authority is required when Auth:Mode is Oidc.");
        }
        else if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
            || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Auth:Oidc:Authority must be an absolute http(s) URL.");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && oidc.RequireHttpsMetadata)
        {
            failures.Add("Auth:Oidc:Authority must use https unless Auth:Oidc:RequireHttpsMetadata is false.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            failures.Add("Auth:Oidc:ClientId is required when Auth:Mode is Oidc.");
        }
    }

    private static void ValidateEntraId(IConfigurationSection? azureAd, EntraIdTenantOptions tenants, List<string> failures)
    {
        foreach (var key in (string[])["Instance", "TenantId", "ClientId"])
        {
            if (string.IsNullOrWhiteSpace(azureAd?[key]))
            {
                failures.Add($"{AzureAdSectionName}:{key} is required when Auth:Mode is EntraId.");
            }
        }

        var tenantId = azureAd?["TenantId"];
        var allowed = tenants.AllowedTenants.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (tenantId is not null && MultiTenantAliases.Contains(tenantId.Trim(), StringComparer.OrdinalIgnoreCase) && allowed.Count == 0)
        {
            failures.Add($"{AzureAdSectionName}:TenantId '{tenantId}' admits people of every Entra ID tenant. Use your own " +
                $"tenant id, or list the tenant ids that may sign in in {EntraIdTenantOptions.SectionName}:AllowedTenants.");
        }

        if (allowed.Any(t => MultiTenantAliases.Contains(t.Trim(), StringComparer.OrdinalIgnoreCase)))
        {
            failures.Add($"{EntraIdTenantOptions.SectionName}:AllowedTenants must list tenant ids, not common, organizations or consumers.");
        }
    }

    private static void ValidateHeader(HeaderSignInOptions header, IConfiguration? configuration, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(header.UserNameHeader))
        {
            failures.Add($"{HeaderSignInOptions.SectionName}:UserNameHeader is required when Auth:Mode is Header.");
        }

        if (string.IsNullOrWhiteSpace(header.EmailHeader))
        {
            failures.Add($"{HeaderSignInOptions.SectionName}:EmailHeader is required when Auth:Mode is Header.");
        }

        // Identity headers from anyone but the authenticating proxy would let a client name itself.
        var proxies = configuration?.GetSection($"{NetworkOptions.SectionName}:TrustedProxies").Get<string[]>() ?? [];
        if (!proxies.Any(p => !string.IsNullOrWhiteSpace(p)))
        {
            failures.Add($"{NetworkOptions.SectionName}:TrustedProxies must list the authenticating proxy when Auth:Mode is Header; " +
                "identity headers from any other peer are ignored.");
        }
    }

    private static void ValidateAllowList(AuthOptions options, List<string> failures)
    {
        if (options.AllowedEmailSuffix is { } suffix && !AllowedPeople.IsValidSuffix(suffix))
        {
            failures.Add($"Auth:AllowedEmailSuffix '{suffix}' is not an e-mail domain such as example.com or @example.com.");
        }

        if (!string.IsNullOrWhiteSpace(options.AllowedUsersFile))
        {
            try
            {
                AllowedUsersFile.Read(options.AllowedUsersFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                failures.Add($"Auth:AllowedUsersFile '{options.AllowedUsersFile}' cannot be used: {e.Message}");
            }
        }
    }

    private static void ValidateSession(SessionLifetimeOptions session, List<string> failures)
    {
        const int Day = 24 * 3600;
        if (session.IdleTimeoutSeconds is < 60 or > 30 * Day)
        {
            failures.Add($"{SessionLifetimeOptions.SectionName}:IdleTimeoutSeconds must be between 60 and {30 * Day} (was {session.IdleTimeoutSeconds}).");
        }

        if (session.MaxLifetimeSeconds is < 60 or > 30 * Day)
        {
            failures.Add($"{SessionLifetimeOptions.SectionName}:MaxLifetimeSeconds must be between 60 and {30 * Day} (was {session.MaxLifetimeSeconds}).");
        }

        if (session.RevalidateSeconds is < 1 or > Day)
        {
            failures.Add($"{SessionLifetimeOptions.SectionName}:RevalidateSeconds must be between 1 and {Day} (was {session.RevalidateSeconds}).");
        }
    }

    private static void ValidateRoles(RoleMappingOptions roles, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(roles.Default) && !ConfidantRoles.IsKnown(roles.Default.Trim().ToLowerInvariant()))
        {
            failures.Add($"Auth:Roles:Default '{roles.Default}' is not a role; use reader, editor, admin or leave it empty.");
        }

        foreach (var (key, values) in (IEnumerable<(string, string[])>)[("Reader", roles.Reader), ("Editor", roles.Editor), ("Admin", roles.Admin)])
        {
            if (values.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"Auth:Roles:{key} contains an empty value.");
            }
        }
    }
}
