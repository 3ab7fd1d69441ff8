using Confidant.Services.Background;
using Confidant.Services.Crypto;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Several processes on one store: leases on background work, the change beacon and <see cref="ClusterCoherence"/>,
    /// which runs in a started host.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantCluster(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.AddSingleton(sp => new StoreLease(sp.GetRequiredService<IConfidantStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ChangeBeacon(sp.GetRequiredService<IConfidantStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ClusterCoherence(
            sp.GetRequiredService<ChangeBeacon>(),
            sp.GetRequiredService<StoreGeneration>(),
            sp.GetRequiredService<DataKeyCache>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ClusterCoherence>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterCoherence>());
        return builder;
    }
}
