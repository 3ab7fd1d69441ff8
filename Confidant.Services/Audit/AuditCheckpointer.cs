using Confidant.Services.Kms;

namespace Confidant.Services.Audit;

/// <summary>
/// Makes checkpoints: the key service's MAC over a chain's head, the previous checkpoint's MAC and the heads of the
/// other chains, stored under the next index of the chain (a conditional write). One at a time: the canonical
/// encoder is not shared.
/// </summary>
internal sealed class AuditCheckpointer(IAuditStore store, IKeyService keys, string macKeyId, TimeProvider time) : IDisposable
{
    private readonly AuditCanonical _canonical = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Checkpoints the chain's durable head unless its last checkpoint covers it already (a final one is made even
    /// then, unless the last is final). Returns the chain's last checkpoint.
    /// </summary>
    public async Task<AuditCheckpoint?> CheckpointAsync(AuditChainState chain, bool final, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var head = chain.Head;
                var last = chain.LastCheckpoint;
                if (head is null || last is { Final: true } || (!final && last is not null && last.Sequence >= head.Sequence))
                {
                    return last;
                }

                try
                {
                    chain.LastCheckpoint = await MakeAsync(chain.ChainId, last, head, final, cancellationToken);
                    return chain.LastCheckpoint;
                }
                catch (AuditConflictException) when (attempt == 0)
                {
                    // The index is taken: an earlier write of ours that timed out after all, or a sealer's. Go on
                    // from what is stored.
                    var stored = await store.ListCheckpointsAsync(chain.ChainId, cancellationToken);
                    chain.LastCheckpoint = stored.Count > 0 ? stored[^1] : null;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The final checkpoint of another process's chain, over its closing or sealing record.</summary>
    public async Task<AuditCheckpoint> SealAsync(string chainId, AuditCheckpoint? previous, AuditRecord end, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await MakeAsync(chainId, previous, end, final: true, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<AuditCheckpoint> MakeAsync(string chainId, AuditCheckpoint? previous, AuditRecord head, bool final, CancellationToken cancellationToken)
    {
        var witnesses = await AuditWitnesses.CollectAsync(store, chainId, cancellationToken);
        var draft = new AuditCheckpoint(
            chainId,
            (previous?.Index ?? 0) + 1,
            head.Sequence,
            head.Hash,
            AuditCanonical.Truncate(time.GetUtcNow()),
            final,
            witnesses,
            previous?.Mac ?? string.Empty,
            string.Empty,
            string.Empty);
        var mac = await keys.GenerateMacAsync(macKeyId, _canonical.CheckpointMessage(draft), cancellationToken);
        var checkpoint = draft with { KeyId = mac.KeyId, Mac = Convert.ToHexStringLower(mac.Mac) };
        await store.AddCheckpointAsync(checkpoint, cancellationToken);
        return checkpoint;
    }
}
