using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Services;

/// <summary>Wraps a registered service in a decorator, keeping the original registration's lifetime and construction.</summary>
public static class ServiceDecoration
{
    /// <summary>
    /// Replaces the last registration of <typeparamref name="TService"/> with <paramref name="decorate"/> applied to
    /// what it built; does nothing when there is none (an invalid setting that validation reports at start-up).
    /// </summary>
    public static void Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService);
        if (inner is null)
        {
            return;
        }

        services.Remove(inner);
        services.Add(ServiceDescriptor.Describe(typeof(TService), sp => decorate(sp, Build<TService>(sp, inner)), inner.Lifetime));
    }

    private static TService Build<TService>(IServiceProvider provider, ServiceDescriptor descriptor)
        where TService : class => descriptor switch
        {
            { ImplementationInstance: TService instance } => instance,
            { ImplementationFactory: { } factory } => (TService)factory(provider),
            _ => (TService)ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!),
        };
}
