namespace Confidant.Services.Audit;

/// <summary>
/// Where the audit trail is kept: chains of hash-linked records, their checkpoints, and the access summary derived
/// from the records. Append-only: nothing updates or deletes a record or a checkpoint, and every write that places
/// one is conditional, so that a chain can never fork. One contract, every backend (docs/decisions/0012-audit-chain.md).
/// </summary>
public interface IAuditStore
{
    /// <summary>Creates what the store needs (tables, schema) when it is missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers a new chain; fails with <see cref="AuditConflictException"/> if the id is taken.</summary>
    Task CreateChainAsync(AuditChain chain, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a chain was closed (bookkeeping; the chain's final checkpoint is what proves it), at a time no
    /// earlier than its last record (<see cref="AuditChain.ClosingTime"/>).
    /// </summary>
    Task MarkChainClosedAsync(string chainId, DateTimeOffset closedAt, CancellationToken cancellationToken = default);

    /// <summary>Every chain, oldest first.</summary>
    Task<IReadOnlyList<AuditChain>> ListChainsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends consecutive records of one chain as one block, atomically and durably: when the task completes every
    /// record is stored, and when it fails none is. Fails with <see cref="AuditConflictException"/> when a record
    /// already holds any of their places, which leaves the chain as it was. Also brings the access summary up to date
    /// with the block's deliveries (at once or, for counters, within <c>Audit:AccessFlushSeconds</c>).
    /// </summary>
    Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken = default);

    /// <summary>The last record of a chain, or null if it has none.</summary>
    Task<AuditRecord?> HeadAsync(string chainId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A chain's records after <paramref name="afterSequence"/>, in sequence order, exactly as stored: a verifier
    /// must see gaps, duplicates and altered fields, so nothing is repaired or skipped.
    /// </summary>
    IAsyncEnumerable<AuditRecord> ReadChainAsync(string chainId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Adds a checkpoint; fails with <see cref="AuditConflictException"/> when its index is taken.</summary>
    Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>A chain's checkpoints in index order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string chainId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records newest first across chains, filtered. A malformed <see cref="AuditQuery.Page"/> raises a bad-request
    /// <see cref="Errors.ConfidantException"/>.
    /// </summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="keys"/> have been delivered before (the <c>first_access</c> flag).</summary>
    Task<IReadOnlySet<AuditAccessKey>> FindDeliveredAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per principal, the deliveries of a resource: of every revision delivered at or after <paramref name="since"/>
    /// (all when null), the count, the first and last time, and the revisions.
    /// </summary>
    Task<IReadOnlyList<AuditAccess>> AccessAsync(
        string resourceType,
        string resourceId,
        DateTimeOffset? since = null,
        CancellationToken cancellationToken = default);

    /// <summary>Writes the access-summary counters still held in memory (a no-op where they are written with the block).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
