using System.Security.Claims;
using System.Text.Encodings.Web;
using Confidant.Services.Authorization;
using Confidant.Web.Auth.Sessions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Confidant.Web.Auth;

/// <summary>
/// Plain HTTP sign-in / sign-out: routes under the Blazor router are globally interactive, and a cookie can only be
/// written by an HTTP response.
/// </summary>
internal static class DevelopmentSignInEndpoints
{
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";
    private const int MaxNameLength = 256;

    public static IEndpointRouteBuilder MapDevelopmentSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SignInPath, ShowSignInForm).AllowAnonymous();
        endpoints.MapPost(SignInPath, SignInAsync).AllowAnonymous();
        endpoints.MapPost(SignOutPath, SignOutAsync);
        return endpoints;
    }

    private static ContentHttpResult ShowSignInForm(HttpContext context, IAntiforgery antiforgery, [FromQuery] string? returnUrl) =>
        SignInPage(context, antiforgery, ReturnUrl.LocalOrDefault(returnUrl), error: null);

    private static async Task<IResult> SignInAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        SessionValidator sessions,
        [FromForm] string? name,
        [FromForm] string? role,
        [FromForm] string? returnUrl)
    {
        var target = ReturnUrl.LocalOrDefault(returnUrl);
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0 || trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl))
        {
            return SignInPage(context, antiforgery, target, "Enter a name or e-mail address (up to 256 characters).");
        }

        // Admin by default so that everything can be tried; reader and editor show what those people see.
        var chosenRole = string.IsNullOrEmpty(role) ? ConfidantRoles.Admin : role;
        if (!ConfidantRoles.IsKnown(chosenRole))
        {
            return SignInPage(context, antiforgery, target, "Choose reader, editor or admin.");
        }

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, trimmed),
            new(ClaimTypes.Name, trimmed),
            new(ConfidantClaims.Role, chosenRole),
        ];
        if (trimmed.Contains('@', StringComparison.Ordinal))
        {
            claims.Add(new Claim(ClaimTypes.Email, trimmed));
        }

        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        sessions.Begin(identity);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(target);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, SessionValidator sessions)
    {
        // A cross-site POST must not be able to sign the user out (logout CSRF).
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        sessions.End(context.User);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect(SignInPath);
    }

    private static ContentHttpResult SignInPage(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var errorHtml = error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{html.Encode(error)}</p>";
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1.0" />
              <title>Sign in - Confidant</title>
              <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
              <link rel="stylesheet" href="/signin.css" />
            </head>
            <body>
              <main>
                <h1>Confidant</h1>
                <p class="banner">Development sign-in is active: you are signed in as whoever you type below.</p>
                {{errorHtml}}
                <form method="post" action="{{SignInPath}}">
                  <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}" />
                  <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl)}}" />
                  <label for="name">Name or e-mail</label>
                  <input id="name" name="name" type="text" maxlength="{{MaxNameLength}}" autocomplete="username" required autofocus />
                  <label for="role">Role</label>
                  <select id="role" name="role">
                    <option value="{{ConfidantRoles.Reader}}">reader</option>
                    <option value="{{ConfidantRoles.Editor}}">editor</option>
                    <option value="{{ConfidantRoles.Admin}}" selected>admin</option>
                  </select>
                  <button type="submit">Sign in</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return TypedResults.Content(page, "text/html; charset=utf-8", statusCode: error is null ? 200 : 400);
    }
}
