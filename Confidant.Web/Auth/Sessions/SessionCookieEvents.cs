using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Confidant.Web.Auth.Sessions;

/// <summary>
/// Checks every session cookie with <see cref="SessionValidator"/>: a cookie past the absolute lifetime, signed out,
/// or whose person the provider no longer admits is refused and deleted; one whose roles changed is rewritten.
/// </summary>
internal sealed class SessionCookieEvents(SessionValidator sessions) : CookieAuthenticationEvents
{
    /// <summary>The refresh token's name in the cookie's (encrypted) properties.</summary>
    public const string RefreshTokenName = "refresh_token";

    /// <summary>When the provider last confirmed the session (Unix seconds), so another instance need not ask at once.</summary>
    public const string CheckedAtItem = ".confidant.checked";

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var properties = context.Properties;
        var check = await sessions.CheckCookieAsync(
            context.Principal!, properties.GetTokenValue(RefreshTokenName), CheckedAtOf(properties), context.HttpContext.RequestAborted);
        if (check.Principal is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        if (check.Changed)
        {
            context.ReplacePrincipal(check.Principal);
            Record(properties, check.RefreshToken, check.CheckedAt!.Value);
            context.ShouldRenew = true;
        }
    }

    /// <summary>Keeps the refresh token (and nothing else of the provider's tokens) in the cookie.</summary>
    public static void Record(AuthenticationProperties properties, string? refreshToken, DateTimeOffset checkedAt)
    {
        if (refreshToken is not null)
        {
            properties.StoreTokens([new AuthenticationToken { Name = RefreshTokenName, Value = refreshToken }]);
        }

        properties.Items[CheckedAtItem] = checkedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset? CheckedAtOf(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(CheckedAtItem, out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
