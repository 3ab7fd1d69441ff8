using System.Reflection;
using Confidant.Services.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support;

/// <summary>
/// The real audit store with every append refused, as when its disk or table is gone; reads and the rest pass through.
/// A proxy rather than a hand-written wrapper, so that it follows the store's interface as it grows.
/// </summary>
public class FailingAuditAppends : DispatchProxy
{
    private IAuditStore _inner = null!;

    /// <summary>Replaces the registered <see cref="IAuditStore"/> with one whose appends fail.</summary>
    public static void Decorate(IServiceCollection services)
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
            ((FailingAuditAppends)(object)proxy)._inner = inner;
            return proxy;
        });
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod!.Name == nameof(IAuditStore.AppendAsync)
            ? Task.FromException(new IOException("The audit store is unreachable."))
            : targetMethod.Invoke(_inner, args);
}
