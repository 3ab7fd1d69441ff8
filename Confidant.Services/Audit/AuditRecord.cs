namespace Confidant.Services.Audit;

/// <summary>
/// A stored entry: its place in a hash chain (<see cref="ChainId"/>, 1-based <see cref="Sequence"/>), the time it was
/// recorded, its unusual-access <see cref="Flags"/>, the SHA-256 of its predecessor (<see cref="PreviousHash"/>,
/// zeros for the first record) and its own (<see cref="Hash"/>, over its canonical bytes, which include the chain,
/// sequence and previous hash; docs/decisions/0012-audit-chain.md). Hashes are lowercase hex.
/// </summary>
public sealed record AuditRecord(
    string ChainId,
    long Sequence,
    DateTimeOffset Time,
    AuditEntry Entry,
    IReadOnlyList<string> Flags,
    string PreviousHash,
    string Hash)
{
    /// <summary>Other chains' heads seen by a chain's first record (empty on every other record).</summary>
    public IReadOnlyList<AuditWitness> Witnesses { get; init; } = [];

    /// <summary>The position that orders records newest first across chains.</summary>
    public AuditPosition Position => new(Time, ChainId, Sequence);
}

/// <summary>The head of another chain, as seen when a chain opened or a checkpoint was made.</summary>
public sealed record AuditWitness(string ChainId, long Sequence, string Hash);

/// <summary>A record's place in the newest-first order of every chain: time, then chain id, then sequence.</summary>
public readonly record struct AuditPosition(DateTimeOffset Time, string ChainId, long Sequence) : IComparable<AuditPosition>
{
    public int CompareTo(AuditPosition other)
    {
        var byTime = Time.UtcTicks.CompareTo(other.Time.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byChain = string.CompareOrdinal(ChainId, other.ChainId);
        return byChain != 0 ? byChain : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(AuditPosition left, AuditPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(AuditPosition left, AuditPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(AuditPosition left, AuditPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AuditPosition left, AuditPosition right) => left.CompareTo(right) >= 0;
}
