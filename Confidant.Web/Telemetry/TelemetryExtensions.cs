using Confidant.Services.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Confidant.Web.Telemetry;

/// <summary>
/// Exports the <c>Confidant</c> meter and ASP.NET Core's request metrics (<c>http.server.request.duration</c> per
/// route) with OpenTelemetry: a Prometheus scrape endpoint when <c>Metrics:Prometheus:Enabled</c>, OTLP (metrics and
/// the service-fetch traces) when <c>Metrics:Otlp:Endpoint</c> is set. With neither, nothing is collected.
/// </summary>
internal static class TelemetryExtensions
{
    public static IHostApplicationBuilder AddConfidantTelemetryExport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        var settings = Settings(builder.Configuration);
        var otlp = settings.Otlp.Endpoint is { Length: > 0 } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri : null;
        if (!settings.Prometheus.Enabled && otlp is null)
        {
            return builder;
        }

        var protocol = settings.Otlp.Protocol == "HttpProtobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(ConfidantMetrics.MeterName).AddAspNetCoreInstrumentation();
            if (settings.Prometheus.Enabled)
            {
                // Scrapes are few (one scraper, restricted access): each gets current values, not a cached page.
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            }

            if (otlp is not null)
            {
                metrics.AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (otlp, protocol));
            }
        });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ConfidantTracing.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (otlp, protocol)));
        }

        return builder;
    }

    /// <summary>The access check and the scrape endpoint, when Prometheus is on; call after the trusted-proxy step.</summary>
    public static IApplicationBuilder UseMetricsAccess(this WebApplication app)
    {
        var settings = Settings(app.Configuration);
        return settings.Prometheus.Enabled ? MetricsAccess.UseMetricsAccess(app, settings.Prometheus) : app;
    }

    public static IEndpointRouteBuilder MapMetrics(this WebApplication app)
    {
        var settings = Settings(app.Configuration);
        if (settings.Prometheus.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(settings.Prometheus.Path).AllowAnonymous();
        }

        return app;
    }

    private static MetricsOptions Settings(IConfiguration configuration) =>
        configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
}
