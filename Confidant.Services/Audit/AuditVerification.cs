namespace Confidant.Services.Audit;

/// <summary>What <c>audit verify</c> found: every chain, and its first problem if it has one.</summary>
public sealed record AuditVerification(IReadOnlyList<AuditChainVerification> Chains, IReadOnlyList<AuditProblem> Problems)
{
    public bool Passed => Problems.Count == 0;

    public long Records => Chains.Sum(c => c.Records);

    public long Checkpoints => Chains.Sum(c => c.Checkpoints);
}

/// <summary>
/// One chain: records and checkpoints verified, whether a final checkpoint closed it, and how many records follow its
/// last checkpoint (not yet bound by a MAC: an open chain's tail can be cut unnoticed unless another chain witnessed it).
/// </summary>
public sealed record AuditChainVerification(string ChainId, long Records, long Checkpoints, bool Closed, long Unprotected);

/// <summary>The first broken record of a chain (its sequence) and why.</summary>
public sealed record AuditProblem(string ChainId, long Sequence, AuditProblemKind Kind, string Message);

public enum AuditProblemKind
{
    /// <summary>A stored record cannot be read back.</summary>
    Unreadable,

    /// <summary>Its content no longer matches its hash.</summary>
    Altered,

    /// <summary>A record is missing (deleted): a gap in the sequence, or a checkpoint or witness names a record that is gone.</summary>
    Deleted,

    /// <summary>A record that does not belong: a second record at a sequence, a record between two linked ones, or after the final checkpoint.</summary>
    Inserted,

    /// <summary>Records out of order: a record follows the one stored after it.</summary>
    Reordered,

    /// <summary>The chain's records link up but no longer match a checkpoint or witness: re-hashed after an edit.</summary>
    Rehashed,

    /// <summary>A checkpoint whose MAC does not verify, or that does not follow the previous one.</summary>
    CheckpointForged,

    /// <summary>A checkpoint is missing from the sequence of a chain's checkpoints.</summary>
    CheckpointDeleted,

    /// <summary>A chain another chain witnessed is gone.</summary>
    ChainDeleted,
}
