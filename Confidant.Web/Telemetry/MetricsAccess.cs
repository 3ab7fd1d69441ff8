using System.Net;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;
using Confidant.Web.Network;

namespace Confidant.Web.Telemetry;

/// <summary>
/// Who may scrape: the metrics name routes, outcomes and call rates, which help an attacker time and probe, so by
/// default only a request made directly on this machine (loopback peer, loopback host, no proxy headers — a sidecar
/// proxy on loopback would otherwise forward strangers) and clients in <c>Metrics:Prometheus:AllowedNetworks</c>.
/// Others get 403. It runs after the trusted-proxy step, so an allowed network is matched against the real client.
/// </summary>
internal static class MetricsAccess
{
    public const string Refusal = "Metrics are served only to this machine and to Metrics:Prometheus:AllowedNetworks.";

    public static IApplicationBuilder UseMetricsAccess(this IApplicationBuilder app, MetricsOptions.PrometheusOptions options)
    {
        var allowed = options.AllowedNetworks
            .Select(value => TrustedProxies.TryParse(value, out var network) ? network : (IPNetwork?)null)
            .OfType<IPNetwork>()
            .ToArray();
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.Equals(options.Path, StringComparison.OrdinalIgnoreCase) && !IsAllowed(context, allowed))
            {
                await ApiResults.Error(StatusCodes.Status403Forbidden, Refusal).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }

    private static bool IsAllowed(HttpContext context, IPNetwork[] allowed)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (DevelopmentRequestGuard.IsDirectLocalRequest(context.Request, remote))
        {
            return true;
        }

        var address = remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
        return address is not null && allowed.Any(network => network.Contains(address));
    }
}
