namespace Confidant.Services.Audit;

/// <summary>
/// What this process knows of a chain it writes: its durable head and its last checkpoint. The head is replaced
/// whole after each append (readers on other threads see either the old or the new one).
/// </summary>
internal sealed class AuditChainState(string chainId, DateTimeOffset openedAt, IReadOnlyList<AuditWitness> witnesses)
{
    private AuditRecord? _head;
    private AuditCheckpoint? _lastCheckpoint;

    public string ChainId { get; } = chainId;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    /// <summary>The other chains' heads seen at opening, for the chain's first record.</summary>
    public IReadOnlyList<AuditWitness> Witnesses { get; } = witnesses;

    public AuditRecord? Head
    {
        get => Volatile.Read(ref _head);
        set => Volatile.Write(ref _head, value);
    }

    public AuditCheckpoint? LastCheckpoint
    {
        get => Volatile.Read(ref _lastCheckpoint);
        set => Volatile.Write(ref _lastCheckpoint, value);
    }

    /// <summary>Records not yet bound by a checkpoint.</summary>
    public long Uncovered => (Head?.Sequence ?? 0) - (LastCheckpoint?.Sequence ?? 0);
}
