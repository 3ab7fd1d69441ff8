using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Confidant.Services.Faults;

/// <summary>
/// The clock call timeouts, write back-off and log intervals run on: elapsed real time, registered under
/// <see cref="Key"/>. It is kept apart from the <see cref="TimeProvider"/> that stamps revisions and checks token
/// windows, which tests freeze; a frozen domain clock must neither turn a timeout off nor stall a back-off.
/// </summary>
public static class FaultClock
{
    public const string Key = "Confidant.Faults";

    internal static void AddTo(IServiceCollection services)
    {
        services.TryAddKeyedSingleton(Key, TimeProvider.System);
        services.TryAddSingleton(sp => new FaultLog(
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FaultLog>>(),
            sp.GetRequiredKeyedService<TimeProvider>(Key)));
    }
}
