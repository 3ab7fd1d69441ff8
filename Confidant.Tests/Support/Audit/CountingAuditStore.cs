using Confidant.Services.Audit;

namespace Confidant.Tests.Support.Audit;

/// <summary>The real store, counting the appends (blocks) that reach it, and holding them up on demand (a stalled store).</summary>
public sealed class CountingAuditStore(IAuditStore inner) : IAuditStore
{
    private int _appends;
    private volatile TaskCompletionSource? _hold;

    public int Appends => Volatile.Read(ref _appends);

    /// <summary>From now on appends wait (or give up when cancelled) until the returned source completes.</summary>
    public TaskCompletionSource Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _appends);
        if (_hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        await inner.AppendAsync(block, cancellationToken);
    }

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
}
