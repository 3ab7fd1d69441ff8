using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Confidant.Services.Rekey;

/// <summary>
/// The clock the rekey job paces its key-service calls, renews its claim and measures its rate by: elapsed real time,
/// registered under <see cref="Key"/>. It is kept apart from the <see cref="TimeProvider"/> that stamps the job's
/// dates, which tests freeze; a frozen domain clock must not stall the job. Tests of the pacing replace it.
/// </summary>
public static class RekeyClock
{
    public const string Key = "Confidant.Rekey";

    internal static void AddTo(IServiceCollection services) => services.TryAddKeyedSingleton(Key, TimeProvider.System);
}
