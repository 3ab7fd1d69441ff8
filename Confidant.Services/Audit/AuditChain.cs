namespace Confidant.Services.Audit;

/// <summary>
/// A chain's registration: when and by which process it was opened, and when it was closed (by its own process on
/// a clean shutdown, or sealed by another). Bookkeeping only: what protects a chain is its records and checkpoints.
/// </summary>
public sealed record AuditChain(string ChainId, DateTimeOffset OpenedAt, string OpenedBy, DateTimeOffset? ClosedAt = null)
{
    public bool IsOpen => ClosedAt is null;
}

/// <summary>A chain as the status line shows it: its head and its last checkpoint, if any.</summary>
public sealed record AuditChainStatus(AuditChain Chain, long HeadSequence, DateTimeOffset? HeadTime, AuditCheckpoint? LastCheckpoint)
{
    /// <summary>Records after the last checkpoint: not yet bound by a MAC.</summary>
    public long Unprotected => HeadSequence - (LastCheckpoint?.Sequence ?? 0);
}
