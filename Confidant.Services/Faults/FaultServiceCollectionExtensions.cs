using Confidant.Services.Audit;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Faults;

public static class FaultServiceCollectionExtensions
{
    /// <summary>
    /// Puts the registered store, audit store, delivery log store, key service and grant manager behind call guards: bounded in time, faults turned into
    /// <see cref="DependencyUnavailableException"/> and logged without flooding. Call after registering them.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantFaultHandling(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        FaultClock.AddTo(services);
        ServiceDecoration.Decorate<IConfidantStore>(services, (sp, inner) =>
            new GuardedConfidantStore(inner, Guard(sp, Dependency.Store, sp.GetRequiredService<IOptions<StorageOptions>>().Value.CallTimeout)));
        ServiceDecoration.Decorate<IAuditStore>(services, (sp, inner) =>
            new GuardedAuditStore(inner, Guard(sp, Dependency.AuditTrail, sp.GetRequiredService<IOptions<StorageOptions>>().Value.CallTimeout)));
        ServiceDecoration.Decorate<IDeliveryLogStore>(services, (sp, inner) =>
            new GuardedDeliveryLogStore(inner, Guard(sp, Dependency.Store, sp.GetRequiredService<IOptions<StorageOptions>>().Value.CallTimeout)));
        ServiceDecoration.Decorate<IKeyService>(services, (sp, inner) =>
            new GuardedKeyService(inner, Guard(sp, Dependency.KeyService, sp.GetRequiredService<IOptions<KmsOptions>>().Value.CallTimeout)));
        ServiceDecoration.Decorate<IKmsGrantManager>(services, (sp, inner) =>
            new GuardedKmsGrantManager(inner, Guard(sp, Dependency.KeyService, sp.GetRequiredService<IOptions<KmsOptions>>().Value.CallTimeout)));
        return builder;
    }

    private static CallGuard Guard(IServiceProvider services, Dependency dependency, TimeSpan timeout) =>
        new(dependency, timeout, services.GetRequiredKeyedService<TimeProvider>(FaultClock.Key), services.GetRequiredService<FaultLog>());
}
