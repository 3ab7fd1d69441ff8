namespace Confidant.Web.Auth;

internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public const string DevelopmentMode = "Development";
    public const string EntraIdMode = "EntraId";
    public const string OidcMode = "Oidc";

    public string Mode { get; set; } = DevelopmentMode;

    /// <summary>spec §2.5 USER_EMAIL_SUFFIX: when set, a person's e-mail must end with it.</summary>
    public string? AllowedEmailSuffix { get; set; }

    /// <summary>spec §2.5 USERS_FILE: when non-empty, a person's e-mail must be one of these.</summary>
    public string[] AllowedUsers { get; set; } = [];

    public OidcProviderOptions Oidc { get; set; } = new();

    public RoleMappingOptions Roles { get; set; } = new();

    public bool IsDevelopment => IsMode(DevelopmentMode);

    public bool IsEntraId => IsMode(EntraIdMode);

    public bool IsOidc => IsMode(OidcMode);

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

    /// <summary>Requested in addition to <c>openid</c>; empty means <c>profile</c> and <c>email</c>.</summary>
    public string[] Scopes { get; set; } = [];

    public bool RequireHttpsMetadata { get; set; } = true;

    public IReadOnlyList<string> EffectiveScopes => Scopes.Length > 0 ? Scopes : ["profile", "email"];
}
