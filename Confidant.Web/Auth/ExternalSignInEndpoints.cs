using System.Text.Encodings.Web;
using Confidant.Web.Auth.Sessions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>
/// Sign-in / sign-out with an identity provider. Our own endpoints rather than a library's, so that both modes share
/// one open-redirect guard (<see cref="ReturnUrl"/>) and sign-out is a POST with an antiforgery token.
/// </summary>
internal static class ExternalSignInEndpoints
{
    public const string SignedOutPath = "/signed-out";

    public static IEndpointRouteBuilder MapExternalSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DevelopmentSignInEndpoints.SignInPath, SignIn).AllowAnonymous();
        endpoints.MapPost(DevelopmentSignInEndpoints.SignOutPath, SignOutAsync);
        endpoints.MapGet(SignedOutPath, SignedOut).AllowAnonymous();
        return endpoints;
    }

    /// <summary>The 403 page for a person the allow-list refuses (spec §2.5).</summary>
    public static Task WriteRefusalAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status403Forbidden;
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(Page(
            "Access refused",
            "<p class=\"error\" role=\"alert\">Your account is not allowed to use Confidant.</p>"));
    }

    private static IResult SignIn(HttpContext context, [FromQuery] string? returnUrl)
    {
        var target = ReturnUrl.LocalOrDefault(returnUrl);
        if (context.User.Identity is { IsAuthenticated: true })
        {
            return TypedResults.LocalRedirect(target);
        }

        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = target }, [ExternalSignIn.Scheme]);
    }

    private static async Task<IResult> SignOutAsync(
        HttpContext context, IAntiforgery antiforgery, SessionValidator sessions, IOptionsMonitor<OpenIdConnectOptions> oidc)
    {
        // A cross-site POST must not be able to sign the user out (logout CSRF).
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        // Open circuits of this session end at their next check, not when the browser next loads a page.
        sessions.End(context.User);
        if (!await HasEndSessionAsync(oidc.Get(ExternalSignIn.Scheme), context.RequestAborted))
        {
            // Google, for one, publishes no end-session endpoint: only the session here can be ended.
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect(SignedOutPath);
        }

        // Both schemes: the cookie ends the session here, the provider's end-session endpoint ends it there, so the
        // next sign-in asks for credentials again.
        return TypedResults.SignOut(
            new AuthenticationProperties { RedirectUri = SignedOutPath },
            [CookieAuthenticationDefaults.AuthenticationScheme, ExternalSignIn.Scheme]);
    }

    private static async Task<bool> HasEndSessionAsync(OpenIdConnectOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            return !string.IsNullOrEmpty(configuration.EndSessionEndpoint);
        }
        catch (InvalidOperationException)
        {
            // The provider's metadata cannot be read now; signing out here must still work.
            return false;
        }
    }

    private static ContentHttpResult SignedOut() => TypedResults.Content(
        Page("Signed out", $"<p>You are signed out.</p><p><a href=\"{DevelopmentSignInEndpoints.SignInPath}\">Sign in again</a></p>"),
        "text/html; charset=utf-8");

    internal static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1.0" />
          <title>{{HtmlEncoder.Default.Encode(title)}} - Confidant</title>
          <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
          <link rel="stylesheet" href="/signin.css" />
        </head>
        <body>
          <main>
            <h1>Confidant</h1>
            {{body}}
          </main>
        </body>
        </html>
        """;
}
