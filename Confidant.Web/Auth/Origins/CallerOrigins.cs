using System.Runtime.CompilerServices;
using System.Security.Claims;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth.Origins;

/// <summary>
/// Where a caller came from and how it signed in, put on the domain's caller for the audit trail: REST requests
/// (route template, client address after trusted proxies, user agent, request id), UI pages (see
/// <see cref="UiCaller"/>) and commands of the executable.
/// </summary>
public static class CallerOrigins
{
    /// <summary>Longest user agent kept; real ones are far shorter, and the field is free text a client chooses.</summary>
    public const int MaxUserAgentLength = 256;

    // One route text per endpoint: built once, not on every request of the hot path.
    private static readonly ConditionalWeakTable<Endpoint, string> Routes = [];

    /// <summary>The caller of a REST request, with its origin.</summary>
    public static ConfidantPrincipal ForRequest(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress?.ToString();
        return http.User.ToConfidantPrincipal() with
        {
            Address = address,
            AuthMethod = AuthMethod(http.User, http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value),
            Origin = new AuditOrigin(
                AuditChannels.Rest,
                Route(http),
                address,
                UserAgent(http.Request.Headers.UserAgent.ToString()),
                http.TraceIdentifier),
        };
    }

    /// <summary>
    /// The caller of a command of the executable (<paramref name="verb"/>, for example <c>archive</c> or
    /// <c>grants revoke</c>): the operating-system user on this host, an admin. A command runs with the server's
    /// configuration, so whoever can run one can already read its keys; its acts still go through the domain's ACL
    /// and are recorded with the user, the host (as the address) and the verb (as the route).
    /// </summary>
    public static ConfidantPrincipal ForCommand(string verb) =>
        new ConfidantPrincipal(
            Environment.UserName,
            ConfidantPrincipal.User,
            Roles: new HashSet<string>(StringComparer.Ordinal) { ConfidantRoles.Admin },
            Address: Environment.MachineName)
        {
            AuthMethod = AuditAuthMethods.Command,
            Origin = new AuditOrigin(AuditChannels.Command, verb, Environment.MachineName),
        };

    /// <summary>How <paramref name="user"/> authenticated: a kmsauth token, or the configured sign-in of people.</summary>
    internal static string AuthMethod(ClaimsPrincipal user, AuthOptions options) =>
        string.Equals(user.FindFirstValue(ConfidantClaims.AuthType), ConfidantClaims.KmsAuthType, StringComparison.Ordinal) ? AuditAuthMethods.KmsAuth
        : options.IsEntraId ? AuditAuthMethods.Entra
        : options.IsOidc ? AuditAuthMethods.Oidc
        : options.IsHeader ? AuditAuthMethods.Header
        : AuditAuthMethods.Development;

    /// <summary>A client-chosen user agent made safe to keep: bounded, control characters replaced.</summary>
    public static string? UserAgent(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var text = value.Length > MaxUserAgentLength ? value[..MaxUserAgentLength] : value;
        return text.AsSpan().ContainsAnyInRange('\0', '\u001f') || text.Contains('\u007f', StringComparison.Ordinal)
            ? string.Create(text.Length, text, (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    span[i] = char.IsControl(source[i]) ? '?' : source[i];
                }
            })
            : text;
    }

    /// <summary>"GET /v1/services/{id}": the method and the route template, never the path with its values.</summary>
    private static string Route(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return $"{http.Request.Method} (no route)";
        }

        return Routes.GetValue(endpoint, e =>
        {
            var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            var method = methods is [var only] ? only : http.Request.Method;
            return $"{method} {((RouteEndpoint)e).RoutePattern.RawText}";
        });
    }
}
