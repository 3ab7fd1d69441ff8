using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Confidant.Web.Auth.Header;

/// <summary>
/// Sign-in and sign-out when the proxy in front signs people in: <c>/signin</c> only returns to the page (spec §2.5
/// <c>/v1/login</c> → 302), or explains a 401 when the proxy named nobody; sign-out happens at the proxy.
/// </summary>
internal static class HeaderSignInEndpoints
{
    public static IEndpointRouteBuilder MapHeaderSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DevelopmentSignInEndpoints.SignInPath, SignIn).AllowAnonymous();
        endpoints.MapPost(DevelopmentSignInEndpoints.SignOutPath, SignOutAsync).AllowAnonymous();
        return endpoints;
    }

    private static IResult SignIn(HttpContext context, [FromQuery] string? returnUrl)
    {
        if (context.User.Identity is { IsAuthenticated: true })
        {
            return TypedResults.LocalRedirect(ReturnUrl.LocalOrDefault(returnUrl));
        }

        return TypedResults.Content(
            ExternalSignInEndpoints.Page(
                "Not signed in",
                "<p class=\"error\" role=\"alert\">The sign-in proxy in front of Confidant did not name you. Sign in through it, " +
                "or ask its operator to pass the identity headers.</p>"),
            "text/html; charset=utf-8",
            statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // A cross-site POST must not be able to act for the person (CSRF applies in header mode too, spec §2.5).
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        return TypedResults.Content(
            ExternalSignInEndpoints.Page("Sign out", "<p>Confidant keeps no session of its own here: sign out at your sign-in proxy.</p>"),
            "text/html; charset=utf-8");
    }
}
