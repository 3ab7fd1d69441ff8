using Microsoft.Extensions.Logging;

namespace Confidant.Services.Audit;

/// <summary>
/// Seals the chains of processes that stopped without closing them (killed, or their store failed): after
/// <c>Audit:SealAfterSeconds</c> without a record, another process checks that the chain's unprotected tail still
/// links up, appends a sealing record at the next sequence (a conditional write: if the owner is alive after all and
/// appends first, the seal loses, and if the seal wins, the owner's next append fails and it moves to a new chain)
/// and makes the chain's final checkpoint. A tail that does not link up is left for <c>audit verify</c> to report.
/// </summary>
internal sealed partial class AuditChainSealer(
    IAuditStore store,
    AuditCheckpointer checkpointer,
    TimeProvider time,
    TimeSpan sealAfter,
    ILogger logger)
{
    private readonly AuditCanonical _canonical = new();

    public async Task<int> SealStaleAsync(string? ownChainId, CancellationToken cancellationToken)
    {
        var sealedChains = 0;
        var now = time.GetUtcNow();
        foreach (var chain in await store.ListChainsAsync(cancellationToken))
        {
            if (!chain.IsOpen || chain.ChainId == ownChainId)
            {
                continue;
            }

            var head = await store.HeadAsync(chain.ChainId, cancellationToken);
            if (now - (head?.Time ?? chain.OpenedAt) >= sealAfter && await SealAsync(chain, head, ownChainId, cancellationToken))
            {
                sealedChains++;
            }
        }

        return sealedChains;
    }

    private async Task<bool> SealAsync(AuditChain chain, AuditRecord? head, string? ownChainId, CancellationToken cancellationToken)
    {
        var checkpoints = await store.ListCheckpointsAsync(chain.ChainId, cancellationToken);
        var last = checkpoints.Count > 0 ? checkpoints[^1] : null;
        var closing = head;
        if (head is not null && last is not { Final: true })
        {
            if (!await TailLinksUpAsync(chain.ChainId, last, cancellationToken))
            {
                LogTailBroken(logger, chain.ChainId);
                return false;
            }

            var end = head;
            if (!AuditActions.IsChainEnd(head.Entry.Action))
            {
                var seal = AuditChainWriter.System(AuditActions.ChainSeal, chain.ChainId, $"sealed by chain {ownChainId ?? "(none)"}");
                end = AuditChainWriter.Follow(_canonical, head, seal, [], time);
                try
                {
                    await store.AppendAsync([end], cancellationToken);
                }
                catch (AuditConflictException)
                {
                    return false;
                }
            }

            try
            {
                await checkpointer.SealAsync(chain.ChainId, last, end, cancellationToken);
            }
            catch (AuditConflictException)
            {
                return false;
            }

            closing = end;
        }

        await store.MarkChainClosedAsync(chain.ChainId, AuditChain.ClosingTime(time, closing), cancellationToken);
        LogSealed(logger, chain.ChainId, head?.Sequence ?? 0);
        return true;
    }

    // From the last checkpoint's record (which must still be the one it MACed) to the head, every record links up.
    private async Task<bool> TailLinksUpAsync(string chainId, AuditCheckpoint? last, CancellationToken cancellationToken)
    {
        var from = last?.Sequence ?? 1;
        var walk = new AuditChainWalk(chainId, from, last is null ? AuditCanonical.GenesisHash : null);
        var anchored = last is null;
        var ok = await walk.WalkAsync(
            store.ReadChainAsync(chainId, from - 1, cancellationToken),
            record => anchored |= record.Sequence == last?.Sequence && record.Hash == last.HeadHash,
            cancellationToken);
        return ok && anchored;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed audit chain {ChainId} at record {Sequence}: its process stopped without closing it")]
    private static partial void LogSealed(ILogger logger, string chainId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit chain {ChainId} is stale but its records after the last checkpoint do not link up; not sealed (run audit verify)")]
    private static partial void LogTailBroken(ILogger logger, string chainId);
}
