using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Confidant.Tests.Support;

/// <summary>
/// A load balancer in front of several Confidant servers, as operators run one: YARP on Kestrel (127.0.0.1, a free
/// port), requests sent round-robin without affinity, each server probed on <c>/healthz</c> every second and left out
/// while it fails. Each answer names the server that gave it in <see cref="ServedByHeader"/>.
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    public const string ServedByHeader = "X-Served-By";

    private readonly WebApplication _app;

    private RoundRobinProxy(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the proxy over <paramref name="servers"/> (name → base address).</summary>
    public static async Task<RoundRobinProxy> StartAsync(IReadOnlyDictionary<string, Uri> servers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [new RouteConfig { RouteId = "all", ClusterId = "confidant", Match = new RouteMatch { Path = "{**rest}" } }],
                [
                    new ClusterConfig
                    {
                        ClusterId = "confidant",
                        LoadBalancingPolicy = "RoundRobin",
                        HealthCheck = new HealthCheckConfig
                        {
                            Active = new ActiveHealthCheckConfig
                            {
                                Enabled = true,
                                Interval = TimeSpan.FromSeconds(1),
                                Timeout = TimeSpan.FromSeconds(1),
                                Policy = "ConsecutiveFailures",
                                Path = "/healthz",
                            },
                        },
                        Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
                        Destinations = servers.ToDictionary(s => s.Key, s => new DestinationConfig { Address = s.Value.ToString() }),
                    },
                ])
            .AddTransforms(transforms => transforms.AddResponseTransform(context =>
            {
                if (context.HttpContext.Features.Get<IReverseProxyFeature>()?.ProxiedDestination is { } destination)
                {
                    context.HttpContext.Response.Headers[ServedByHeader] = destination.DestinationId;
                }

                return ValueTask.CompletedTask;
            }));
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RoundRobinProxy(app, new Uri(address));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
