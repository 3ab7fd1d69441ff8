using Confidant.Web.Network;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Telemetry;

/// <summary>How the <c>Confidant</c> meter (and the service-fetch traces) leave the process.</summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public PrometheusOptions Prometheus { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    public sealed class PrometheusOptions
    {
        /// <summary>Serves the Prometheus scrape endpoint. Off by default.</summary>
        public bool Enabled { get; set; }

        public string Path { get; set; } = "/metrics";

        /// <summary>
        /// Addresses or networks (<c>10.0.0.0/8</c>) that may scrape besides direct requests on this machine; the
        /// client address is the one trusted proxies name (<c>Network:TrustedProxies</c>). Empty: this machine only.
        /// </summary>
        public string[] AllowedNetworks { get; set; } = [];
    }

    public sealed class OtlpOptions
    {
        /// <summary>The OTLP collector (<c>http://collector:4317</c>); metrics and traces are pushed there when set.</summary>
        public string? Endpoint { get; set; }

        /// <summary><c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318).</summary>
        public string Protocol { get; set; } = "Grpc";
    }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        List<string> failures = [];
        var prefix = $"{MetricsOptions.SectionName}:Prometheus";
        if (!options.Prometheus.Path.StartsWith('/') || options.Prometheus.Path.StartsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{prefix}:Path must start with '/' and lie outside /v1 (was '{options.Prometheus.Path}').");
        }

        for (var i = 0; i < options.Prometheus.AllowedNetworks.Length; i++)
        {
            if (!TrustedProxies.TryParse(options.Prometheus.AllowedNetworks[i], out _))
            {
                failures.Add($"{prefix}:AllowedNetworks:{i} '{options.Prometheus.AllowedNetworks[i]}' is not an IP address or a network such as 10.0.0.0/8.");
            }
        }

        if (options.Otlp.Endpoint is { Length: > 0 } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"{MetricsOptions.SectionName}:Otlp:Endpoint must be an absolute http or https URL.");
        }

        if (options.Otlp.Protocol is not ("Grpc" or "HttpProtobuf"))
        {
            failures.Add($"{MetricsOptions.SectionName}:Otlp:Protocol must be Grpc or HttpProtobuf (was '{options.Otlp.Protocol}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
