using System.Reflection;
using Confidant.Services.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support;

/// <summary>
/// The real audit store with appends refused while <see cref="Switch.Failing"/>, as when its disk or table is gone;
/// reads and the rest pass through. A proxy rather than a hand-written wrapper, so that it follows the store's
/// interface as it grows.
/// </summary>
public class FailingAuditAppends : DispatchProxy
{
    private IAuditStore _inner = null!;
    private Switch _switch = null!;

    /// <summary>Replaces the registered <see cref="IAuditStore"/> with one whose appends always fail.</summary>
    public static void Decorate(IServiceCollection services) => Decorate(services, new Switch { Failing = true });

    /// <summary>Replaces the registered <see cref="IAuditStore"/> with one whose appends fail once the switch says so.</summary>
    public static Switch DecorateSwitchable(IServiceCollection services) => Decorate(services, new Switch());

    private static Switch Decorate(IServiceCollection services, Switch failing)
    {
        var original = services.Last(d => d.ServiceType == typeof(IAuditStore));
        services.Remove(original);
        services.AddSingleton(provider =>
        {
            var inner = original switch
            {
                { ImplementationInstance: IAuditStore instance } => instance,
                { ImplementationFactory: { } factory } => (IAuditStore)factory(provider),
                _ => (IAuditStore)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!),
            };
            var proxy = Create<IAuditStore, FailingAuditAppends>();
            var self = (FailingAuditAppends)(object)proxy;
            self._inner = inner;
            self._switch = failing;
            return proxy;
        });
        return failing;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod!.Name == nameof(IAuditStore.AppendAsync) && _switch.Failing
            ? Task.FromException(new IOException("The audit store is unreachable."))
            : targetMethod.Invoke(_inner, args);

    /// <summary>Whether appends fail now.</summary>
    public sealed class Switch
    {
        private volatile bool _failing;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }
    }
}
