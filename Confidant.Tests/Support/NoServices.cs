namespace Confidant.Tests.Support;

/// <summary>A service provider that fails any lookup: proves a command refused its arguments before touching anything.</summary>
public sealed class NoServices : IServiceProvider
{
    public static NoServices Instance { get; } = new();

    public object? GetService(Type serviceType) => throw new InvalidOperationException($"No service expected, asked for {serviceType.Name}.");
}
