using Confidant.Services;
using Confidant.Services.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support.Audit;

/// <summary>The real store, made to refuse appends (as a full disk or a lost table does) while <see cref="Failing"/>.</summary>
public sealed class FailingAuditStore(IAuditStore inner) : IAuditStore
{
    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>Puts the registered audit store behind a failing wrapper; returns a handle whose store is set at first use.</summary>
    public static Handle Decorate(IServiceCollection services)
    {
        var handle = new Handle();
        ServiceDecoration.Decorate<IAuditStore>(services, (_, registered) => handle.Store = new FailingAuditStore(registered));
        return handle;
    }

    public Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken = default) =>
        Failing ? throw new IOException("The audit store is full.") : inner.AppendAsync(block, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task CreateChainAsync(AuditChain chain, CancellationToken cancellationToken = default) => inner.CreateChainAsync(chain, cancellationToken);

    public Task MarkChainClosedAsync(string chainId, DateTimeOffset closedAt, CancellationToken cancellationToken = default) =>
        inner.MarkChainClosedAsync(chainId, closedAt, cancellationToken);

    public Task<IReadOnlyList<AuditChain>> ListChainsAsync(CancellationToken cancellationToken = default) => inner.ListChainsAsync(cancellationToken);

    public Task<AuditRecord?> HeadAsync(string chainId, CancellationToken cancellationToken = default) => inner.HeadAsync(chainId, cancellationToken);

    public IAsyncEnumerable<AuditRecord> ReadChainAsync(string chainId, long afterSequence = 0, CancellationToken cancellationToken = default) =>
        inner.ReadChainAsync(chainId, afterSequence, cancellationToken);

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) => inner.AddCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string chainId, CancellationToken cancellationToken = default) =>
        inner.ListCheckpointsAsync(chainId, cancellationToken);

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlySet<AuditAccessKey>> FindDeliveredAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken = default) =>
        inner.FindDeliveredAsync(keys, cancellationToken);

    public Task<IReadOnlyList<AuditAccess>> AccessAsync(string resourceType, string resourceId, DateTimeOffset? since = null, CancellationToken cancellationToken = default) =>
        inner.AccessAsync(resourceType, resourceId, since, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    /// <summary>The wrapper the host built, once it has.</summary>
    public sealed class Handle
    {
        public FailingAuditStore? Store { get; set; }

        public bool Failing
        {
            set => (Store ?? throw new InvalidOperationException("The host has not built its audit store yet.")).Failing = value;
        }
    }
}
