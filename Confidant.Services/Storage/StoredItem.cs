namespace Confidant.Services.Storage;

/// <summary>
/// One item of the Confidant table (spec §6.5-6.7): a current item (<c>credential</c>, <c>blind-credential</c>,
/// <c>service</c>) or one of its immutable revision records (<c>archive-*</c>, id <c>&lt;id&gt;-&lt;n&gt;</c>).
/// Dates carry at most microsecond precision, as the DynamoDB encoding does.
/// </summary>
public abstract record StoredItem
{
    public required string Id { get; init; }
    public required DataType DataType { get; init; }
    public required int Revision { get; init; }
    public required bool Enabled { get; init; }
    public required DateTimeOffset ModifiedDate { get; init; }
    public required string ModifiedBy { get; init; }

    /// <summary>Set only on items held in the archive table.</summary>
    public DateTimeOffset? ArchiveDate { get; init; }

    /// <summary>The id of the resource this item belongs to (the current item's id).</summary>
    public string BaseId => DataType.IsRevision() ? Revisions.RevisionId.BaseOf(Id, Revision) : Id;

    /// <summary>This item as the revision record of its own revision.</summary>
    public StoredItem AsRevisionRecord() => this with
    {
        Id = Revisions.RevisionId.Of(BaseId, Revision),
        DataType = DataType.RevisionType(),
    };

    /// <summary>This item as the current item of its resource.</summary>
    public StoredItem AsCurrentItem() => this with { Id = BaseId, DataType = DataType.CurrentType() };
}

/// <summary>A server-side encrypted credential (spec §6.5).</summary>
public sealed record CredentialItem : StoredItem
{
    public required string Name { get; init; }

    /// <summary>Fernet token text of the JSON object of pairs (spec §7.1).</summary>
    public required string CredentialPairs { get; init; }

    /// <summary>Standard base64 of the KMS ciphertext of the data key: the ASCII bytes DynamoDB holds as B (§6.4).</summary>
    public required string DataKey { get; init; }

    public int CipherVersion { get; init; } = 2;

    /// <summary>JSON object text of clear metadata; <c>{}</c> when none.</summary>
    public string Metadata { get; init; } = "{}";

    public string? Documentation { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateTimeOffset? LastRotationDate { get; init; }
    public DateTimeOffset? LastDecryptedDate { get; init; }

    /// <summary>
    /// Keyed fingerprints of the values, made when the revision was written (null when written before they were, or
    /// by another Confidant): compared to find equal values without decrypting. Bookkeeping, not content.
    /// </summary>
    public Exposure.ValueFingerprints? Fingerprints { get; init; }
}

/// <summary>A client-side encrypted credential; the server stores it opaquely (spec §6.6).</summary>
public sealed record BlindCredentialItem : StoredItem
{
    public required string Name { get; init; }

    /// <summary>JSON object text: region → client-side ciphertext.</summary>
    public required string CredentialPairs { get; init; }

    /// <summary>Clear key names (a set; order not significant).</summary>
    public IReadOnlyList<string> CredentialKeys { get; init; } = [];

    /// <summary>JSON object text: region → standard-base64 KMS ciphertext.</summary>
    public required string DataKey { get; init; }

    public required string CipherType { get; init; }
    public required int CipherVersion { get; init; }
    public string Metadata { get; init; } = "{}";
    public string? Documentation { get; init; }
}

/// <summary>A service mapping (spec §6.7): which credentials a workload may read.</summary>
public sealed record ServiceItem : StoredItem
{
    /// <summary>Mapped credential ids (a set).</summary>
    public IReadOnlyList<string> Credentials { get; init; } = [];

    /// <summary>Mapped blind credential ids (a set).</summary>
    public IReadOnlyList<string> BlindCredentials { get; init; } = [];

    public string? Account { get; init; }
}

/// <summary>
/// State the installation keeps for itself: a long-running job's (the rekey job, docs/decisions/0016-rekey-job.md), the
/// change beacon, and the like. A JSON body its area owns, replaced whole by <see cref="IConfidantStore.SaveJobAsync"/>
/// and deleted by <see cref="IConfidantStore.DeleteJobAsync"/>. <see cref="StoredItem.Revision"/> counts the saves, so
/// each save is conditional on the one it followed. A job has no revision records.
/// </summary>
public sealed record JobItem : StoredItem
{
    public required string Body { get; init; }

    /// <summary>Revision <paramref name="revision"/> of a job item, saved at <paramref name="now"/> (to the stored microsecond) by <paramref name="savedBy"/>.</summary>
    public static JobItem At(string id, int revision, string body, DateTimeOffset now, string savedBy) => new()
    {
        Id = id,
        DataType = DataType.Job,
        Revision = revision,
        Enabled = true,
        ModifiedDate = ConfidantDates.TruncateToMicroseconds(now),
        ModifiedBy = savedBy,
        Body = body,
    };
}
