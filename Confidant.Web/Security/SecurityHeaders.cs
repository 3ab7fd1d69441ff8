namespace Confidant.Web.Security;

internal static class SecurityHeaders
{
    // spec §1.3: every response, static files and errors included, carries a CSP with default-src 'self' and
    // style-src 'self' 'unsafe-inline' (MudBlazor sets inline styles). Blazor Server needs only same-origin scripts
    // and a same-origin WebSocket, which connect-src 'self' covers.
    public const string ContentSecurityPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // Set when the response starts: the exception handler clears headers set earlier.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(context);
        });
}
