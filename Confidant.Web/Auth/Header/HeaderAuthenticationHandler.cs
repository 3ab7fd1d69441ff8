using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Confidant.Web.Network;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Confidant.Web.Auth.Header;

/// <summary>
/// spec §2.5 header module: the person named by an authenticating proxy's headers, on every request (no cookie of
/// our own). Only a peer in <c>Network:TrustedProxies</c> is believed; the e-mail header, lower-cased, is the
/// person; the user-name header must be present. A missing header is a 401 (the original crashed with a 500).
/// The allow-list does not apply (spec §2.5): the proxy decides who gets through.
/// </summary>
internal sealed partial class HeaderAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<AuthOptions> authOptions,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Header";
    private const int MaxValueLength = 256;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var auth = authOptions.CurrentValue;
        var headers = auth.Header;
        var userName = Request.Headers[headers.UserNameHeader!];
        var email = Request.Headers[headers.EmailHeader!];
        if (StringValues.IsNullOrEmpty(userName) && StringValues.IsNullOrEmpty(email))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Context.Features.Get<ProxyPeer>() is not { IsTrusted: true })
        {
            LogUntrustedPeer(Logger);
            return Task.FromResult(AuthenticateResult.Fail("Identity headers are accepted only from Network:TrustedProxies."));
        }

        // Two values (or a comma) mean the proxy appended its header to one the client sent instead of replacing it.
        if (Single(userName) is null || Single(email) is not { } address || !IsAddress(address))
        {
            return Task.FromResult(AuthenticateResult.Fail("The identity headers are missing, repeated or malformed."));
        }

        var person = address.ToLowerInvariant();
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, person),
            new(ClaimTypes.Name, person),
            new(ClaimTypes.Email, person),
            new(ConfidantClaims.SessionStart, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ];
        AddOptional(claims, ClaimTypes.GivenName, headers.FirstNameHeader);
        AddOptional(claims, ClaimTypes.Surname, headers.LastNameHeader);

        var groups = string.IsNullOrWhiteSpace(headers.GroupsHeader)
            ? []
            : Request.Headers[headers.GroupsHeader].SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        claims.AddRange(RoleMapping.MapValues(groups, auth.Roles).Select(role => new Claim(ConfidantClaims.Role, role)));

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, null));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    private static string? Single(StringValues values) =>
        values.Count == 1 && values[0] is { } value && value.Trim() is { Length: > 0 and <= MaxValueLength } trimmed && !trimmed.Any(char.IsControl)
            ? trimmed
            : null;

    private static bool IsAddress(string value) =>
        value.Contains('@', StringComparison.Ordinal) && !value.Any(c => c == ',' || char.IsWhiteSpace(c));

    private void AddOptional(List<Claim> claims, string type, string? header)
    {
        if (!string.IsNullOrWhiteSpace(header) && Single(Request.Headers[header]) is { } value)
        {
            claims.Add(new Claim(type, value));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Identity headers from a peer outside Network:TrustedProxies were ignored.")]
    private static partial void LogUntrustedPeer(ILogger logger);
}
