namespace Confidant.Services.Storage;

/// <summary>
/// The storage port. Every backend keeps the Confidant item model (spec §6) and passes the same contract suite.
/// </summary>
public interface IConfidantStore
{
    /// <summary>Reads one item of the primary table by id, or null when there is none.</summary>
    Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads several items of the primary table. Missing ids are skipped, duplicates read once; the order of the
    /// result is unspecified.
    /// </summary>
    Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Items of one data type ordered by modified date (then id). A malformed <see cref="PageRequest.StartToken"/>
    /// raises a bad-request <see cref="Errors.ConfidantException"/> with the message "Failed to parse page".
    /// </summary>
    Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Ids of the items of one data type whose name equals <paramref name="name"/> (ordinal).</summary>
    Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes revision <c>n = current.Revision</c> of a resource: first the revision record <c>&lt;id&gt;-&lt;n&gt;</c>
    /// (which must not exist), then the current item (which must still be at revision n-1, or absent when n is 1).
    /// Of several concurrent writers of the same revision exactly one succeeds; the others get a
    /// <see cref="Errors.RevisionConflictException"/> and nothing of theirs is written. A record left by a writer
    /// that stopped between the two puts is completed (rolled forward) by the next writer before it reports the
    /// conflict, so revisions stay contiguous and no revision is lost.
    /// </summary>
    Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rewrites bookkeeping fields of an existing item in place (spec §4.2 last_decrypted_date). The item must exist
    /// with the same revision; the content of a revision never changes through this call.
    /// </summary>
    Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a resource (current item and every revision record) to the archive table, each stamped with
    /// <paramref name="archiveDate"/>, provided its current item is still at <paramref name="expectedRevision"/>:
    /// the current item is deleted conditionally on that revision, so a revision written concurrently is never lost.
    /// When the revision has moved on, a <see cref="Errors.RevisionConflictException"/> is raised and the resource
    /// is left whole in the primary table. When the archive already holds the resource (another archive of it is under
    /// way, or one stopped half-way), an <see cref="Errors.ArchiveInProgressException"/> is raised and nothing moves.
    /// Copies first, deletes second: an interruption leaves both copies, never none; <see cref="RestoreAsync"/> mends
    /// either state.
    /// </summary>
    Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default);

    /// <summary>Items of the archive table of one data type, as <see cref="QueryAsync"/>.</summary>
    Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// The names and list fields of the current items (<see cref="DataType.Credential"/>,
    /// <see cref="DataType.BlindCredential"/> or <see cref="DataType.Service"/>) of one table, in the order and with the
    /// page tokens of <see cref="QueryAsync"/> (a malformed token is the same bad request). Only those fields are read:
    /// no ciphertext, pair or metadata is handed over or decoded, which a list of every resource has no use for.
    /// </summary>
    Task<NamePage> ListNamesAsync(StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies an archived resource back into the primary table (items that already exist there are kept as they
    /// are) and removes it from the archive table. Returns false when the archive holds no such resource.
    /// </summary>
    Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default);

    // Exposure marks and value fingerprints (docs/decisions/0015-value-fingerprints.md). Marks are read with
    // GetAsync and QueryAsync(DataType.Exposure, ...) like any item.

    /// <summary>
    /// Writes an exposure mark, which keeps no revision records: version 1 (<see cref="StoredItem.Revision"/>) only
    /// when no item has its id, a later version only over the stored mark at the version before. False, and nothing
    /// written, when another writer got there first.
    /// </summary>
    Task<bool> PutExposureAsync(Exposure.ExposureMark mark, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the fingerprints of a credential's current item or revision record in place, provided it is still at
    /// <paramref name="revision"/>; nothing else of the item changes (a concurrent rewrite of its data key is kept).
    /// False when there is no such item at that revision.
    /// </summary>
    Task<bool> SetFingerprintsAsync(
        string id,
        int revision,
        Exposure.ValueFingerprints fingerprints,
        CancellationToken cancellationToken = default);
    // Re-encryption at rest and the state of long-running jobs (docs/decisions/0016-rekey-job.md).

    /// <summary>
    /// Replaces, in place, the data key, pairs and cipher version of one credential item of <paramref name="table"/>
    /// (a current item or a revision record) with those of <paramref name="rewritten"/>, provided the stored item is
    /// still of the same data type and revision and still holds <paramref name="expectedDataKey"/>: a revision written
    /// or a key replaced meanwhile is never overwritten. Every other field stays as stored. Returns whether the
    /// replacement landed and the item as it now is in that table (null when it is no longer there).
    /// </summary>
    Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a job's state at revision <c>n = job.Revision</c>, provided the stored job is at revision n-1 (absent when
    /// n is 1); otherwise a <see cref="Errors.RevisionConflictException"/> is raised and nothing is written. Read a job
    /// with <see cref="GetAsync"/>.
    /// </summary>
    Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a job item provided it is still at <paramref name="revision"/>. False, and nothing deleted, when it is at
    /// another revision, is gone, or the id holds another kind of item.
    /// </summary>
    Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default);
}
