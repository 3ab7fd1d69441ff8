namespace Confidant.Services.Audit;

/// <summary>
/// A chain's registration: when and by which process it was opened, and when it was closed (by its own process on
/// a clean shutdown, or sealed by another). Bookkeeping only: what protects a chain is its records and checkpoints.
/// </summary>
public sealed record AuditChain(string ChainId, DateTimeOffset OpenedAt, string OpenedBy, DateTimeOffset? ClosedAt = null)
{
    public bool IsOpen => ClosedAt is null;

    /// <summary>
    /// When a chain whose last record is <paramref name="last"/> closes: now, or that record's time if the clock is
    /// behind it (records are spaced a microsecond apart past a clock that stands still or went back). No record of
    /// a closed chain is later than its closing; DynamoDB queries rely on it to leave older chains unread.
    /// </summary>
    internal static DateTimeOffset ClosingTime(TimeProvider time, AuditRecord? last)
    {
        var now = AuditCanonical.Truncate(time.GetUtcNow());
        return last is not null && last.Time > now ? last.Time : now;
    }
}

/// <summary>A chain as the status line shows it: its head and its last checkpoint, if any.</summary>
public sealed record AuditChainStatus(AuditChain Chain, long HeadSequence, DateTimeOffset? HeadTime, AuditCheckpoint? LastCheckpoint)
{
    /// <summary>Records after the last checkpoint: not yet bound by a MAC.</summary>
    public long Unprotected => HeadSequence - (LastCheckpoint?.Sequence ?? 0);
}
