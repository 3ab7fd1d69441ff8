using Confidant.Services.Kms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Confidant.Services.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Confidant</c> meter's instruments, and the key service measured. Call after registering the key service
    /// and before the fault guards, so that what is counted is what reached the key service. The
    /// host registers the meter factory.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConfidantMetrics>();
        ServiceDecoration.Decorate<IKeyService>(builder.Services, (sp, inner) =>
            new MeteredKeyService(inner, sp.GetRequiredService<ConfidantMetrics>(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
