using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Confidant.Services.Authorization;
using Confidant.Services.KmsAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>
/// Authenticates machine callers with kmsauth tokens (spec §2.1): HTTP Basic (username = kmsauth username,
/// password = token) or the headers <c>X-Auth-From</c> + <c>X-Auth-Token</c>. The token itself is never logged.
/// </summary>
public sealed class KmsTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    KmsTokenValidator validator,
    IOptionsMonitor<KmsAuthOptions> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "KmsToken";

    /// <summary>The credentials of a kmsauth request, or null when the request carries none.</summary>
    public static (string Username, string Token)? ReadCredentials(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return (string.Empty, string.Empty);
            }

            // spec §2.4: split at the first colon; the token is base64 and never contains one.
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var username = colon < 0 ? decoded : decoded[..colon];
            var token = colon < 0 ? string.Empty : decoded[(colon + 1)..];
            if (username.Length > 0)
            {
                return (username, token);
            }
        }

        if (request.Headers.TryGetValue("X-Auth-Token", out var headerToken) && request.Headers.TryGetValue("X-Auth-From", out var from))
        {
            return (from.ToString(), headerToken.ToString());
        }

        return null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadCredentials(Request) is not { } credentials)
        {
            return AuthenticateResult.NoResult();
        }

        if (credentials.Token.Length == 0)
        {
            return AuthenticateResult.Fail("Empty token.");
        }

        var result = await validator.ValidateAsync(credentials.Username, credentials.Token, Context.RequestAborted);
        if (result.Principal is not { } caller)
        {
            Context.Items[typeof(TokenRejection)] = result.Rejection;
            return AuthenticateResult.Fail("Token refused.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, caller.Name),
            new(ConfidantClaims.UserType, caller.UserType),
            new(ConfidantClaims.AuthType, ConfidantClaims.KmsAuthType),
        };
        // A person with a user token holds the configured role, enforced by the ACL like a session person's roles.
        if (caller.UserType == ConfidantPrincipal.User)
        {
            claims.Add(new Claim(ConfidantClaims.Role, settings.CurrentValue.UserRole));
        }

        if (caller.Account is not null)
        {
            claims.Add(new Claim(ConfidantClaims.Account, caller.Account));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
