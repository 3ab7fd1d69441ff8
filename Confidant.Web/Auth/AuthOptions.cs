using Confidant.Web.Auth.Header;
using Confidant.Web.Auth.Sessions;

namespace Confidant.Web.Auth;

internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public const string DevelopmentMode = "Development";
    public const string EntraIdMode = "EntraId";
    public const string OidcMode = "Oidc";
    public const string HeaderMode = "Header";

    /// <summary>
    /// The sign-in mode. Unset means <see cref="DevelopmentMode"/> in the Development environment only; anywhere else
    /// the app refuses to start until it is chosen (see <see cref="EffectiveMode"/>).
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>spec §2.5 USER_EMAIL_SUFFIX: when set, a person's e-mail must be in that domain.</summary>
    public string? AllowedEmailSuffix { get; set; }

    /// <summary>spec §2.5 USERS_FILE: when non-empty (here or in <see cref="AllowedUsersFile"/>), a person's e-mail must be listed.</summary>
    public string[] AllowedUsers { get; set; } = [];

    /// <summary>spec §2.5 USERS_FILE: a YAML list of e-mails, or a mapping e-mail → name, read at every check.</summary>
    public string? AllowedUsersFile { get; set; }

    public OidcProviderOptions Oidc { get; set; } = new();

    public EntraIdTenantOptions EntraId { get; set; } = new();

    public HeaderSignInOptions Header { get; set; } = new();

    public SessionLifetimeOptions Session { get; set; } = new();

    public RoleMappingOptions Roles { get; set; } = new();

    public bool IsDevelopment => IsMode(DevelopmentMode);

    public bool IsEntraId => IsMode(EntraIdMode);

    public bool IsOidc => IsMode(OidcMode);

    public bool IsHeader => IsMode(HeaderMode);

    /// <summary>Signed in at an identity provider, whose answer can be asked again.</summary>
    public bool IsExternal => IsEntraId || IsOidc;

    /// <summary>
    /// The mode in effect: the configured one, else Development in the Development environment, else none (refused at
    /// start-up). A production start must never fall back to a sign-in where anyone may claim any name.
    /// </summary>
    public static string? EffectiveMode(string? configured, IHostEnvironment environment) =>
        !string.IsNullOrWhiteSpace(configured) ? configured.Trim()
        : environment.IsDevelopment() ? DevelopmentMode
        : null;

    private bool IsMode(string mode) => string.Equals(Mode, mode, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Any OpenID Connect provider (Okta, Google, Keycloak…), signed in with the authorization code flow and PKCE.</summary>
internal sealed class OidcProviderOptions
{
    public const string SectionName = "Auth:Oidc";

    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From the environment or a secret store, never appsettings.json.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Requested in addition to <c>openid</c>; empty means <c>profile</c>, <c>email</c> and <c>offline_access</c>.</summary>
    public string[] Scopes { get; set; } = [];

    public bool RequireHttpsMetadata { get; set; } = true;

    // offline_access asks for a refresh token, with which a session's roles are asked for again (Auth:Session).
    public IReadOnlyList<string> EffectiveScopes => Scopes.Length > 0 ? Scopes : ["profile", "email", "offline_access"];
}

/// <summary>Which Entra ID tenants may sign in, besides the one in <c>AzureAd:TenantId</c>.</summary>
internal sealed class EntraIdTenantOptions
{
    public const string SectionName = "Auth:EntraId";

    /// <summary>
    /// Tenant ids whose people may sign in. Required when <c>AzureAd:TenantId</c> is <c>common</c>,
    /// <c>organizations</c> or <c>consumers</c>, which would otherwise admit every tenant.
    /// </summary>
    public string[] AllowedTenants { get; set; } = [];
}
