using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

public static class ExposureServiceCollectionExtensions
{
    /// <summary>Exposure marks, the recovery rules, value fingerprints, blast radius and incident progress.</summary>
    public static IHostApplicationBuilder AddConfidantExposure(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExposureOptions>().BindConfiguration(ExposureOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ExposureOptions>, ExposureOptionsValidator>();
        builder.Services.AddSingleton<ValueFingerprinter>();
        builder.Services.AddSingleton<StoredFingerprints>();
        builder.Services.AddSingleton<ExposureIndex>();
        builder.Services.AddSingleton<ExposureRules>();
        builder.Services.AddSingleton<ExposureService>();
        builder.Services.AddSingleton<BlastRadius>();
        builder.Services.AddSingleton<IncidentProgress>();
        builder.Services.AddSingleton<FingerprintBackfill>();
        return builder;
    }
}
