using System.Security.Claims;
using Confidant.Services.Authorization;

namespace Confidant.Web.Auth;

/// <summary>Claim types Confidant puts on its principals, and the mapping to the domain's caller.</summary>
public static class ConfidantClaims
{
    public const string UserType = "confidant:user_type";
    public const string Account = "confidant:account";
    public const string AuthType = "confidant:auth_type";

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
        return new ConfidantPrincipal(name, userType, email, user.FindFirstValue(Account));
    }
}
