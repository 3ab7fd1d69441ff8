using Confidant.Services.Audit;

namespace Confidant.Services.Faults;

/// <summary>
/// The audit store behind a <see cref="CallGuard"/> (<c>Storage:CallTimeoutSeconds</c>). Start-up initialisation is
/// not bounded: creating a table may take minutes, and a failed start is reported by the host. Reading a whole chain
/// (<c>audit verify</c>) streams for as long as the chain is, so it is not bounded either. An append abandoned at the
/// limit may still land; the ledger then ends its chain rather than guess (docs/decisions/0012-audit-chain.md).
/// </summary>
internal sealed class GuardedAuditStore(IAuditStore inner, CallGuard guard) : IAuditStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task CreateChainAsync(AuditChain chain, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(CreateChainAsync), token => inner.CreateChainAsync(chain, token), cancellationToken);

    public Task MarkChainClosedAsync(string chainId, DateTimeOffset closedAt, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(MarkChainClosedAsync), token => inner.MarkChainClosedAsync(chainId, closedAt, token), cancellationToken);

    public Task<IReadOnlyList<AuditChain>> ListChainsAsync(CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(ListChainsAsync), inner.ListChainsAsync, cancellationToken);

    public Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(AppendAsync), token => inner.AppendAsync(block, token), cancellationToken);

    public Task<AuditRecord?> HeadAsync(string chainId, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(HeadAsync), token => inner.HeadAsync(chainId, token), cancellationToken);

    public IAsyncEnumerable<AuditRecord> ReadChainAsync(string chainId, long afterSequence = 0, CancellationToken cancellationToken = default) =>
        inner.ReadChainAsync(chainId, afterSequence, cancellationToken);

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(AddCheckpointAsync), token => inner.AddCheckpointAsync(checkpoint, token), cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string chainId, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(ListCheckpointsAsync), token => inner.ListCheckpointsAsync(chainId, token), cancellationToken);

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(QueryAsync), token => inner.QueryAsync(query, token), cancellationToken);

    public Task<IReadOnlySet<AuditAccessKey>> FindDeliveredAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(FindDeliveredAsync), token => inner.FindDeliveredAsync(keys, token), cancellationToken);

    public Task<IReadOnlyList<AuditAccess>> AccessAsync(
        string resourceType,
        string resourceId,
        DateTimeOffset? since = null,
        CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(AccessAsync), token => inner.AccessAsync(resourceType, resourceId, since, token), cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(FlushAsync), inner.FlushAsync, cancellationToken);
}
