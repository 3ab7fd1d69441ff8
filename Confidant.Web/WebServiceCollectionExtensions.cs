using Confidant.Services.Rekey;
using Confidant.Web.Api;
using Confidant.Web.Auth;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Confidant.Web.DataProtection;
using Confidant.Web.Errors;
using Confidant.Web.Network;
using Confidant.Web.Telemetry;
using MudBlazor.Services;

namespace Confidant.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>Razor components (interactive server), MudBlazor, sign-in, antiforgery and health checks.</summary>
    public static IHostApplicationBuilder AddConfidantWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<BrowserTimeZone>();
        builder.Services.AddUiCallers();
        builder.AddConfidantNetwork();
        builder.AddConfidantAuthentication();
        builder.AddConfidantApi();
        builder.AddConfidantTelemetryExport();
        builder.Services.AddAntiforgery();
        builder.AddConfidantDataProtection();
        builder.Services.AddHealthChecks();
        builder.Services.AddConfidantErrorHandling();

        // The re-encryption job's worker runs in the server only: commands build the host without starting it.
        builder.Services.AddRekeyWorker();
        return builder;
    }
}
