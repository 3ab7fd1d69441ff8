using Confidant.Services.Authorization;
using Confidant.Services.Storage;

namespace Confidant.Services.Exposure;

/// <summary>
/// A credential or blind credential marked exposed (data type <c>exposure</c>, id <c>exposure/&lt;hex&gt;</c>): which
/// revisions, why, under which incident, by whom, and the exposed pairs with their fingerprints. It keeps no revision
/// records: <see cref="StoredItem.Revision"/> is the version of the mark itself (1 when marked, 2 once cleared), and
/// <see cref="StoredItem.Enabled"/> says whether it is still active. It clears when no exposed pair is held any more.
/// </summary>
public sealed record ExposureMark : StoredItem
{
    public const string IdPrefix = "exposure/";

    /// <summary>The key of the single pair that stands for a blind credential with no key names.</summary>
    public const string AllValuesKey = "*";

    /// <summary><see cref="AclResources.Credential"/> or <see cref="AclResources.BlindCredential"/>.</summary>
    public required string ResourceType { get; init; }

    public required string ResourceId { get; init; }

    /// <summary>The first exposed revision; the last is <see cref="ToRevision"/>. A single revision when equal.</summary>
    public required int FromRevision { get; init; }

    public required int ToRevision { get; init; }

    public required string Reason { get; init; }

    public required string Incident { get; init; }

    /// <summary>The service whose every credential was marked, when the mark came that way.</summary>
    public string? ServiceId { get; init; }

    public required string MarkedBy { get; init; }

    public required DateTimeOffset MarkedAt { get; init; }

    /// <summary>The key the pairs' fingerprints were made with; null for a blind credential (digests of ciphertext).</summary>
    public string? FingerprintKeyId { get; init; }

    /// <summary>Every (key, fingerprint) the exposed revisions held.</summary>
    public IReadOnlyList<ExposedPair> Pairs { get; init; } = [];

    public DateTimeOffset? ClearedAt { get; init; }

    public string? ClearedBy { get; init; }

    /// <summary>The revision whose write left no exposed pair.</summary>
    public int? ClearedRevision { get; init; }

    public bool IsActive => ClearedAt is null;

    public bool Covers(int revision) => revision >= FromRevision && revision <= ToRevision;

    public bool IsOf(string resourceType, string resourceId) =>
        string.Equals(ResourceType, resourceType, StringComparison.Ordinal) && string.Equals(ResourceId, resourceId, StringComparison.Ordinal);

    /// <summary>
    /// The exposed keys <paramref name="current"/> still holds with the exposed value. A credential whose values carry
    /// no fingerprints under the mark's key cannot be told apart, so every exposed key counts as pending.
    /// </summary>
    public IReadOnlyList<string> Pending(StoredItem current)
    {
        var held = current switch
        {
            CredentialItem { Fingerprints: { } fingerprints } when fingerprints.MadeWith(FingerprintKeyId) =>
                Pairs.Where(p => string.Equals(fingerprints.Of(p.Key), p.Fingerprint, StringComparison.Ordinal)),
            CredentialItem => Pairs,
            BlindCredentialItem blind => Pairs.Where(p => string.Equals(p.Fingerprint, ValueFingerprinter.BlindDigest(blind), StringComparison.Ordinal)),
            _ => [],
        };
        return held.Select(p => p.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The exposed keys that have a new value (or are gone).</summary>
    public IReadOnlyList<string> Rotated(IReadOnlyList<string> pending) =>
        Pairs.Select(p => p.Key).Distinct(StringComparer.Ordinal).Except(pending, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}

/// <summary>One exposed pair: its key and the fingerprint of the exposed value.</summary>
public sealed record ExposedPair(string Key, string Fingerprint);
