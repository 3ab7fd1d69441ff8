using Microsoft.Extensions.Logging;

namespace Confidant.Services.Audit;

/// <summary>
/// This process's chain: opens it on the first append (registration, then a first record naming the other chains'
/// heads), gives each record the next sequence, a strictly later time, the previous hash and its own hash, and
/// appends each group commit as one conditional block. A block that fails, or whose outcome is unknown, ends the
/// chain: the next append opens a new one, so a sequence is never written twice. Used by one writer at a time.
/// </summary>
internal sealed partial class AuditChainWriter(IAuditStore store, TimeProvider time, string openedBy, ILogger logger)
{
    public const string ChainResourceType = "audit_chain";

    private readonly AuditCanonical _canonical = new();
    private AuditChainState? _current;

    /// <summary>Called with a chain that ended because an append failed: its durable head still deserves a checkpoint.</summary>
    public Action<AuditChainState>? ChainEnded { get; set; }

    public Action<AuditChainState>? ChainOpened { get; set; }

    public AuditChainState? Current => Volatile.Read(ref _current);

    /// <summary>Appends the entries, each with its flags (<paramref name="flags"/>, in the same order), as one block.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AppendAsync(
        IReadOnlyList<AuditEntry> entries,
        IReadOnlyList<string[]> flags,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var chain = Current ?? await OpenAsync(cancellationToken);
            var records = Sequence(chain, entries, flags);
            try
            {
                await store.AppendAsync(records, cancellationToken);
                chain.Head = records[^1];
                return records;
            }
            catch (AuditConflictException) when (attempt == 0)
            {
                // Another process sealed this chain while it was quiet: it stays sealed, the records go to a new one.
                LogChainTaken(logger, chain.ChainId);
                End(chain);
            }
            catch (Exception)
            {
                End(chain);
                throw;
            }
        }
    }

    /// <summary>Appends the closing record of the current chain, if it has records; returns the chain (null if none).</summary>
    public async Task<AuditChainState?> CloseAsync(CancellationToken cancellationToken)
    {
        var chain = Current;
        if (chain?.Head is null)
        {
            return chain;
        }

        var close = System(AuditActions.ChainClose, chain.ChainId, "closed by its process");
        var record = Follow(_canonical, chain.Head, close, [], time);
        await store.AppendAsync([record], cancellationToken);
        chain.Head = record;
        return chain;
    }

    /// <summary>The record that follows <paramref name="head"/> in its chain.</summary>
    public static AuditRecord Follow(AuditCanonical canonical, AuditRecord head, AuditEntry entry, string[] flags, TimeProvider time) =>
        Hashed(canonical, new AuditRecord(head.ChainId, head.Sequence + 1, Later(time, head.Time), entry, flags, head.Hash, string.Empty));

    /// <summary>An entry of the ledger itself (open, close, seal) about <paramref name="chainId"/>.</summary>
    public static AuditEntry System(string action, string chainId, string detail) => new()
    {
        Action = action,
        Outcome = AuditOutcomes.Succeeded,
        ResourceType = ChainResourceType,
        ResourceId = chainId,
        Detail = detail,
        Actor = AuditActor.System,
        Origin = new AuditOrigin(AuditChannels.System, action),
    };

    private async Task<AuditChainState> OpenAsync(CancellationToken cancellationToken)
    {
        var openedAt = AuditCanonical.Truncate(time.GetUtcNow());
        var chainId = AuditChainId.New(openedAt);
        var witnesses = await AuditWitnesses.CollectAsync(store, chainId, cancellationToken);
        await store.CreateChainAsync(new AuditChain(chainId, openedAt, openedBy), cancellationToken);
        var chain = new AuditChainState(chainId, openedAt, witnesses);
        Volatile.Write(ref _current, chain);
        LogChainOpened(logger, chainId, witnesses.Count);
        ChainOpened?.Invoke(chain);
        return chain;
    }

    private List<AuditRecord> Sequence(AuditChainState chain, IReadOnlyList<AuditEntry> entries, IReadOnlyList<string[]> flags)
    {
        var records = new List<AuditRecord>(entries.Count + 1);
        var head = chain.Head;
        if (head is null)
        {
            var open = System(AuditActions.ChainOpen, chain.ChainId, openedBy);
            head = Hashed(_canonical, new AuditRecord(chain.ChainId, 1, Later(time, chain.OpenedAt), open, [], AuditCanonical.GenesisHash, string.Empty)
            {
                Witnesses = chain.Witnesses,
            });
            records.Add(head);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            head = Follow(_canonical, head, entries[i], flags[i], time);
            records.Add(head);
        }

        return records;
    }

    private void End(AuditChainState chain)
    {
        if (Interlocked.CompareExchange(ref _current, null, chain) == chain && chain.Head is not null)
        {
            ChainEnded?.Invoke(chain);
        }
    }

    private static AuditRecord Hashed(AuditCanonical canonical, AuditRecord record) => record with { Hash = canonical.HashOf(record) };

    // Strictly increasing times within a chain: its records sort by time exactly as by sequence.
    private static DateTimeOffset Later(TimeProvider time, DateTimeOffset previous)
    {
        var now = AuditCanonical.Truncate(time.GetUtcNow());
        return now > previous ? now : previous.AddTicks(10);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit chain {ChainId} opened; it witnesses {Witnesses} other chain heads")]
    private static partial void LogChainOpened(ILogger logger, string chainId, int witnesses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit chain {ChainId} was sealed by another process; continuing in a new chain")]
    private static partial void LogChainTaken(ILogger logger, string chainId);
}
