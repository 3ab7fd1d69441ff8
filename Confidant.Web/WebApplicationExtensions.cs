using Confidant.Web.Api;
using Confidant.Web.Audit;
using Confidant.Web.Auth;
using Confidant.Web.Components;
using Confidant.Web.Errors;
using Confidant.Web.Health;
using Confidant.Web.Network;
using Confidant.Web.Security;
using Confidant.Web.Telemetry;

namespace Confidant.Web;

public static class WebApplicationExtensions
{
    /// <summary>
    /// Middleware in order: security headers first so that every response, errors included, carries them; then the
    /// development sign-in's refusal of anything but direct local requests, which must see the connection and
    /// headers as they arrived, before forwarded headers from trusted proxies replace the client address and scheme; the metrics
    /// endpoint's access check just after, so that it sees the real client;
    /// the exception handler next so that it sees everything after it; the per-address rate limits before any work.
    /// </summary>
    public static WebApplication UseConfidantPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseDevelopmentRequestGuard();
        app.UseTrustedProxies();
        app.UseMetricsAccess();
        app.UseConfidantErrorHandling();
        app.UseApiPathRules();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Health, sign-in / sign-out, static assets and the Blazor UI.</summary>
    public static WebApplication MapConfidantEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapMetrics();
        app.MapSignIn();
        app.MapConfidantApi();
        app.MapAuditExport();
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
        }

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
