using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Services.Maintenance;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Rekey;

public static class RekeyServiceCollectionExtensions
{
    /// <summary>The re-encryption job: its options, state, runner and <see cref="RekeyService"/>. The worker is added apart.</summary>
    public static IHostApplicationBuilder AddConfidantRekey(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RekeyOptions>().BindConfiguration(RekeyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RekeyOptions>, RekeyOptionsValidator>());
        RekeyClock.AddTo(services);
        services.AddSingleton<RekeySignal>();
        services.AddSingleton<RekeyJobStore>();
        services.AddSingleton(sp => new RekeyWalk(sp.GetRequiredService<IConfidantStore>(), sp.GetRequiredService<IOptions<StorageOptions>>()));
        services.AddSingleton(sp => new ItemRekeyer(sp.GetRequiredService<IConfidantStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RekeyRunner(
            sp.GetRequiredService<RekeyJobStore>(),
            sp.GetRequiredService<RekeyWalk>(),
            sp.GetRequiredService<ItemRekeyer>(),
            sp.GetRequiredService<IKeyService>(),
            sp.GetRequiredService<AuditRecorder>(),
            sp.GetRequiredService<MaintenanceMode>(),
            sp.GetRequiredService<IOptions<RekeyOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredKeyedService<TimeProvider>(RekeyClock.Key),
            sp.GetRequiredService<Telemetry.ConfidantMetrics>(),
            sp.GetRequiredService<ILogger<RekeyRunner>>()));
        services.AddSingleton<RekeyService>();
        return builder;
    }

    /// <summary>The server's worker (a hosted service), which works a queued or running job in the web process.</summary>
    public static IServiceCollection AddRekeyWorker(this IServiceCollection services) =>
        services.AddHostedService(sp => new RekeyWorker(
            sp.GetRequiredService<RekeyRunner>(),
            sp.GetRequiredService<RekeySignal>(),
            sp.GetRequiredService<IOptions<RekeyOptions>>(),
            sp.GetRequiredKeyedService<TimeProvider>(RekeyClock.Key),
            sp.GetRequiredService<ILogger<RekeyWorker>>()));
}
