namespace Confidant.Services.Exposure;

/// <summary>
/// The keyed fingerprints of one credential revision's values (docs/decisions/0015-value-fingerprints.md): per pair
/// key, the base64 HMAC-SHA-256 the key service made under <see cref="KeyId"/>. Two values are equal exactly when their
/// fingerprints under the same key are; the values cannot be recovered from them without the key service.
/// </summary>
public sealed record ValueFingerprints(string KeyId, IReadOnlyDictionary<string, string> Pairs)
{
    /// <summary>Whether these fingerprints can be compared with others made under <paramref name="keyId"/>.</summary>
    public bool MadeWith(string? keyId) => string.Equals(KeyId, keyId, StringComparison.Ordinal);

    /// <summary>The fingerprint of the value under <paramref name="key"/>, or null when the pair is absent.</summary>
    public string? Of(string key) => Pairs.TryGetValue(key, out var fingerprint) ? fingerprint : null;

    // By value, so that an item read back equals the item written.
    public bool Equals(ValueFingerprints? other) =>
        other is not null
        && MadeWith(other.KeyId)
        && Pairs.Count == other.Pairs.Count
        && Pairs.All(p => string.Equals(other.Of(p.Key), p.Value, StringComparison.Ordinal));

    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(KeyId), Pairs.Count);
}
