namespace Confidant.Services.Audit;

/// <summary>
/// The heads of other chains that a chain's first record and each checkpoint name: every open chain (up to
/// <see cref="MaxOpen"/>, newest first) and the most recently opened closed chains, so that runs are linked to the
/// runs before them. A witnessed record that later goes missing or changes shows up in <c>audit verify</c>.
/// </summary>
internal static class AuditWitnesses
{
    public const int MaxOpen = 64;
    public const int MaxClosed = 2;

    public static async Task<IReadOnlyList<AuditWitness>> CollectAsync(IAuditStore store, string exceptChainId, CancellationToken cancellationToken)
    {
        var chains = (await store.ListChainsAsync(cancellationToken))
            .Where(c => c.ChainId != exceptChainId)
            .OrderByDescending(c => c.OpenedAt)
            .ThenByDescending(c => c.ChainId, StringComparer.Ordinal)
            .ToList();
        var witnessed = chains.Where(c => c.IsOpen).Take(MaxOpen).Concat(chains.Where(c => !c.IsOpen).Take(MaxClosed));
        var heads = await Task.WhenAll(witnessed.Select(c => store.HeadAsync(c.ChainId, cancellationToken)));
        return heads.OfType<AuditRecord>()
            .Select(h => new AuditWitness(h.ChainId, h.Sequence, h.Hash))
            .OrderBy(w => w.ChainId, StringComparer.Ordinal)
            .ToList();
    }
}
