using System.Security.Claims;
using Confidant.Services.Authorization;

namespace Confidant.Web.Auth;

/// <summary>Claim types Confidant puts on its principals, and the mapping to the domain's caller.</summary>
public static class ConfidantClaims
{
    public const string UserType = "confidant:user_type";
    public const string Account = "confidant:account";
    public const string AuthType = "confidant:auth_type";

    /// <summary>A <see cref="ConfidantRoles"/> value held by a signed-in person, one claim per role.</summary>
    public const string Role = "confidant:role";

    /// <summary>The <see cref="AuthType"/> of kmsauth callers.</summary>
    public const string KmsAuthType = "kms";

    /// <summary>A random id of one sign-in, so that signing out can end the session's open circuits too.</summary>
    public const string SessionId = "confidant:sid";

    /// <summary>When the session began (Unix seconds): the absolute session lifetime counts from here.</summary>
    public const string SessionStart = "confidant:session_start";

    /// <summary>The prefix of every claim type Confidant issues; an identity provider's claims of that name are dropped.</summary>
    public const string Prefix = "confidant:";

    /// <summary>The domain caller of an authenticated request (spec §2.8).</summary>
    public static ConfidantPrincipal ToConfidantPrincipal(this ClaimsPrincipal user)
    {
        var identity = user.Identity;
        if (identity is not { IsAuthenticated: true })
        {
            throw new InvalidOperationException("The request is not authenticated.");
        }

        var userType = user.FindFirstValue(UserType) ?? ConfidantPrincipal.User;
        var email = user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue("email");
        var name = userType == ConfidantPrincipal.User && email is not null
            ? email.ToLowerInvariant()
            : identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
        var isKms = string.Equals(user.FindFirstValue(AuthType), KmsAuthType, StringComparison.Ordinal);
        var subject = isKms ? null : user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        return new ConfidantPrincipal(name, userType, email, user.FindFirstValue(Account), RolesOf(user), subject);
    }

    /// <summary>The domain caller of a request, with where it came from (for the audit trail).</summary>
    public static ConfidantPrincipal ToConfidantPrincipal(this HttpContext http) => Origins.CallerOrigins.ForRequest(http);

    // kmsauth services keep the original model (no roles, spec §3.3); a person holds exactly the roles on the principal
    // (a session's mapped roles, or KmsAuth:UserRole for a user token), so a person without any gets no access.
    private static HashSet<string>? RolesOf(ClaimsPrincipal user) =>
        string.Equals(user.FindFirstValue(AuthType), KmsAuthType, StringComparison.Ordinal)
            && user.FindFirstValue(UserType) == ConfidantPrincipal.Service
            ? null
            : user.FindAll(Role).Select(claim => claim.Value).Where(ConfidantRoles.IsKnown).ToHashSet(StringComparer.Ordinal);
}
