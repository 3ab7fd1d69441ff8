using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Confidant.Services;

public static class ConfidantServicesExtensions
{
    /// <summary>Everything Confidant.Web needs from this project: storage, keys, crypto and the domain services.</summary>
    public static IHostApplicationBuilder AddConfidantServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddConfidantStorage();
        builder.AddConfidantKms();
        return builder;
    }
}
