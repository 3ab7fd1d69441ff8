namespace Confidant.Web.Auth;

/// <summary>spec §2.5 allow-listing: the e-mail domain and the list of users, both applied when set.</summary>
internal static class AllowedPeople
{
    /// <summary>
    /// Whether <paramref name="email"/> may sign in. <paramref name="listedUsers"/> are the e-mails of
    /// <c>Auth:AllowedUsers</c> and <c>Auth:AllowedUsersFile</c> together.
    /// </summary>
    public static bool IsAllowed(string? email, AuthOptions options, IReadOnlyCollection<string> listedUsers)
    {
        var suffix = options.AllowedEmailSuffix?.Trim();
        if (string.IsNullOrEmpty(suffix) && listedUsers.Count == 0)
        {
            return true;
        }

        if (email is null)
        {
            return false;
        }

        return (string.IsNullOrEmpty(suffix) || MatchesSuffix(email, suffix))
            && (listedUsers.Count == 0 || listedUsers.Contains(email, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The suffix is anchored at the <c>@</c>: <c>example.com</c> and <c>@example.com</c> both admit
    /// <c>x@example.com</c> only, never <c>x@evilexample.com</c> (the original's plain "ends with") nor a subdomain
    /// such as <c>x@eu.example.com</c>, whose mailboxes another party may run.
    /// </summary>
    public static bool MatchesSuffix(string email, string suffix)
    {
        var at = email.LastIndexOf('@');
        return at >= 0 && IsValidSuffix(suffix) && string.Equals(email[(at + 1)..], DomainOf(suffix), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A domain, optionally after an <c>@</c>; nothing that could match part of a domain.</summary>
    public static bool IsValidSuffix(string suffix)
    {
        var domain = DomainOf(suffix);
        return domain.Length > 0
            && !domain.Contains('@', StringComparison.Ordinal)
            && !domain.StartsWith('.')
            && !domain.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
    }

    private static string DomainOf(string suffix)
    {
        var trimmed = suffix.Trim();
        return trimmed.StartsWith('@') ? trimmed[1..] : trimmed;
    }
}
