using System.Reflection;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support;

/// <summary>
/// A store that can hold one chosen write (<c>WriteRevisionAsync</c> or <c>ArchiveAsync</c> of one id) at its start
/// until the test lets it go, so that another operation runs in between: the interleavings of writers without
/// transactions, made deterministic. Every other call passes straight through.
/// </summary>
public class PausingStore : DispatchProxy
{
    private IConfidantStore _inner = null!;
    private Pause? _pause;

    /// <summary>Wraps the store the domain services use (call after AddConfidantServices).</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IConfidantStore));
        services.Remove(registered);
        services.AddSingleton(sp =>
        {
            var proxy = Create<IConfidantStore, PausingStore>();
            var pausing = (PausingStore)(object)proxy;
            pausing._inner = registered.ImplementationFactory is { } factory
                ? (IConfidantStore)factory(sp)
                : (IConfidantStore)(registered.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));
            return pausing;
        });
        services.AddSingleton(sp => (IConfidantStore)(object)sp.GetRequiredService<PausingStore>());
    }

    /// <summary>The store itself, for reading in assertions.</summary>
    public IConfidantStore Inner => _inner;

    /// <summary>Holds the next <c>WriteRevision</c> or <c>Archive</c> of <paramref name="id"/> (a resource's id).</summary>
    public Pause PauseBefore(string operation, string id) => _pause = new Pause(operation + "Async", id);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var id = args?.FirstOrDefault() switch
        {
            StoredItem item => item.BaseId,
            string text => text,
            _ => null,
        };
        var pause = _pause;
        if (pause is not null && pause.Operation == targetMethod.Name && pause.Id == id
            && Interlocked.CompareExchange(ref _pause, null, pause) == pause)
        {
            return HeldAsync(pause, targetMethod, args);
        }

        return targetMethod.Invoke(_inner, args);
    }

    private async Task HeldAsync(Pause pause, MethodInfo method, object?[]? args)
    {
        pause.Reached.TrySetResult();
        await pause.Released.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await (Task)method.Invoke(_inner, args)!;
    }

    /// <summary>One held call: wait until it is reached, then release it.</summary>
    public sealed class Pause(string operation, string id)
    {
        internal string Operation { get; } = operation;

        internal string Id { get; } = id;

        internal TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WaitUntilReachedAsync() => Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void Release() => Released.TrySetResult();
    }
}
