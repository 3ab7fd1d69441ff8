using System.Reflection;
using Confidant.Services.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Bench.Load;

/// <summary>
/// The real audit store, with its appends (group commits) and the records they carry counted, so that the hot path
/// can report records written per request and appends per second. A proxy, as the tests' failing store is.
/// </summary>
public class CountingAuditAppends : DispatchProxy
{
    private IAuditStore _inner = null!;
    private Counts _counts = null!;

    /// <summary>Replaces the registered <see cref="IAuditStore"/> with one that counts its appends.</summary>
    public static Counts Decorate(IServiceCollection services)
    {
        var counts = new Counts();
        var original = services.Last(d => d.ServiceType == typeof(IAuditStore));
        services.Remove(original);
        services.AddSingleton(provider =>
        {
            var proxy = Create<IAuditStore, CountingAuditAppends>();
            var self = (CountingAuditAppends)(object)proxy;
            self._inner = original.ImplementationFactory is { } factory
                ? (IAuditStore)factory(provider)
                : (IAuditStore)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!);
            self._counts = counts;
            return proxy;
        });
        return counts;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IAuditStore.AppendAsync) && args![0] is IReadOnlyList<AuditRecord> block)
        {
            _counts.Add(block.Count);
        }

        return targetMethod.Invoke(_inner, args);
    }

    /// <summary>Appends and records so far (records include the ledger's own chain records, a handful per run).</summary>
    public sealed class Counts
    {
        private long _appends;
        private long _records;

        public long Appends => Interlocked.Read(ref _appends);

        public long Records => Interlocked.Read(ref _records);

        internal void Add(int records)
        {
            Interlocked.Increment(ref _appends);
            Interlocked.Add(ref _records, records);
        }
    }
}
