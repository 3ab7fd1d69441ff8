namespace Confidant.Services.Audit;

/// <summary>
/// A checkpoint: a MAC from the key service (<see cref="KeyId"/>) binding a chain's head (<see cref="Sequence"/>,
/// <see cref="HeadHash"/>) at <see cref="Time"/> to the previous checkpoint's MAC and to the heads of the other open
/// chains (<see cref="Witnesses"/>). <see cref="Index"/> counts from 1 per chain. A <see cref="Final"/> checkpoint
/// ends its chain: no record may follow its head.
/// </summary>
public sealed record AuditCheckpoint(
    string ChainId,
    long Index,
    long Sequence,
    string HeadHash,
    DateTimeOffset Time,
    bool Final,
    IReadOnlyList<AuditWitness> Witnesses,
    string PreviousMac,
    string KeyId,
    string Mac);
