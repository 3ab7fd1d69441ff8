using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Network;

/// <summary>Where a request really comes from: the connection's peer, or the client a trusted proxy names.</summary>
internal static class NetworkExtensions
{
    public static IHostApplicationBuilder AddConfidantNetwork(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<NetworkOptions>>(new NetworkOptionsValidator(builder.Configuration));
        builder.Services.AddOptions<NetworkOptions>().BindConfiguration(NetworkOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<TrustedProxies>();
        return builder;
    }

    /// <summary>
    /// Records whether the connection's peer is a trusted proxy (header sign-in needs the peer, which the forwarded
    /// headers then replace), and applies <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> from trusted proxies only:
    /// the audited client address cannot be forged and cookies are Secure behind a TLS proxy.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<TrustedProxies>();
        app.Use((context, next) =>
        {
            context.Features.Set(new ProxyPeer(proxies.Contains(context.Connection.RemoteIpAddress)));
            return next(context);
        });

        // With no known proxy ASP.NET would believe every peer: the middleware is added only when some are listed.
        if (proxies.Networks.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,

            // Each hop is believed only while the address it came from is trusted, so no fixed limit is needed for
            // a chain of proxies (load balancer → authenticating proxy → app).
            ForwardLimit = null,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in proxies.Networks)
        {
            options.KnownIPNetworks.Add(network);
        }

        return app.UseForwardedHeaders(options);
    }
}

/// <summary>Whether the connection's peer (before forwarded headers) is one of <see cref="NetworkOptions.TrustedProxies"/>.</summary>
internal sealed record ProxyPeer(bool IsTrusted);
