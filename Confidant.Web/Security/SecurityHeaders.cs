using Confidant.Web.Auth;

namespace Confidant.Web.Security;

internal static class SecurityHeaders
{
    // spec §1.3: every response, static files and errors included, carries a CSP with default-src 'self' and
    // style-src 'self' 'unsafe-inline' (MudBlazor sets inline styles). Blazor Server needs only same-origin scripts
    // and a same-origin WebSocket, which connect-src 'self' covers.
    public const string ContentSecurityPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    /// <summary>
    /// The policy with the identity provider's origin allowed as a form target: browsers apply form-action to the
    /// redirects that follow a form post, and the sign-out form's redirect goes to the provider's end-session endpoint.
    /// </summary>
    public static string PolicyFor(string? providerOrigin) => providerOrigin is null
        ? ContentSecurityPolicy
        : ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {providerOrigin}", StringComparison.Ordinal);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = PolicyFor(AuthenticationExtensions.ProviderOrigin(
            app.ApplicationServices.GetRequiredService<IConfiguration>(), app.ApplicationServices.GetRequiredService<IHostEnvironment>()));
        return app.Use((context, next) =>
        {
            // Set when the response starts: the exception handler clears headers set earlier.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
