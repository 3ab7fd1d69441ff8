using System.Security.Claims;

namespace Confidant.Web.Auth;

/// <summary>spec §2.5 allow-listing: the e-mail suffix and the list of users, both applied when set.</summary>
internal static class AllowedPeople
{
    // Entra ID puts the sign-in address in preferred_username (or upn) and often sends no email claim.
    private static readonly string[] EmailClaimTypes = ["email", ClaimTypes.Email, "preferred_username", "upn"];

    public static string? EmailOf(ClaimsPrincipal principal) => EmailClaimTypes
        .Select(principal.FindFirstValue)
        .FirstOrDefault(value => value is not null && value.Contains('@', StringComparison.Ordinal))
        ?.Trim()
        .ToLowerInvariant();

    public static bool IsAllowed(string? email, AuthOptions options)
    {
        var suffix = options.AllowedEmailSuffix?.Trim();
        var users = options.AllowedUsers.Where(user => !string.IsNullOrWhiteSpace(user)).ToList();
        if (string.IsNullOrEmpty(suffix) && users.Count == 0)
        {
            return true;
        }

        if (email is null)
        {
            return false;
        }

        return (string.IsNullOrEmpty(suffix) || email.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            && (users.Count == 0 || users.Any(user => string.Equals(user.Trim(), email, StringComparison.OrdinalIgnoreCase)));
    }
}
