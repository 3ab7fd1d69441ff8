namespace Confidant.Web.Auth.Header;

/// <summary>
/// spec §2.5 header module: an authenticating reverse proxy (oauth2-proxy, an ingress with SSO…) names the person in
/// request headers. Believed only from the peers in <c>Network:TrustedProxies</c>.
/// </summary>
internal sealed class HeaderSignInOptions
{
    public const string SectionName = "Auth:Header";

    /// <summary>HEADER_AUTH_USERNAME_HEADER: must be present; its value is not used (spec §2.5).</summary>
    public string? UserNameHeader { get; set; }

    /// <summary>HEADER_AUTH_EMAIL_HEADER: the person, lower-cased.</summary>
    public string? EmailHeader { get; set; }

    /// <summary>HEADER_AUTH_FIRST_NAME_HEADER (optional).</summary>
    public string? FirstNameHeader { get; set; }

    /// <summary>HEADER_AUTH_LAST_NAME_HEADER (optional).</summary>
    public string? LastNameHeader { get; set; }

    /// <summary>
    /// Optional: a header with the person's groups, comma-separated, mapped to roles through <c>Auth:Roles</c>. Without
    /// it every person gets <c>Auth:Roles:Default</c>.
    /// </summary>
    public string? GroupsHeader { get; set; }
}
