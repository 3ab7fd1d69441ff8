using System.Security.Cryptography;
using Confidant.Services.Caching;
using Confidant.Services.Kms;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Crypto;

// Plaintext data keys by SHA-256 (lowercase hex) of their KMS ciphertext blob. Spec §7.1 step 4: the original
// cache was unbounded and never expired; this one is bounded in size and time, and key bytes leaving it are zeroed.
// An entry also remembers the credential id whose context KMS checked, so a blob copied onto another credential
// still goes to KMS (which rejects the wrong context) instead of being served from memory.
internal sealed class DataKeyCache
{
    private readonly Lock _lock = new();
    private readonly BoundedLruCache<string, CachedKey> _cache;

    private readonly ConfidantMetrics? _metrics;

    public DataKeyCache(IOptions<KmsOptions> options, TimeProvider timeProvider, ConfidantMetrics? metrics = null)
    {
        _metrics = metrics;
        var settings = options.Value;
        _cache = new BoundedLruCache<string, CachedKey>(
            settings.DataKeyCacheSize,
            TimeSpan.FromSeconds(settings.DataKeyCacheSeconds),
            timeProvider,
            static (_, entry) => CryptographicOperations.ZeroMemory(entry.Key),
            StringComparer.Ordinal);
    }

    public int Count => _cache.Count;

    // A copy of the cached key (the caller may zero it), or null.
    public byte[]? TryGet(ReadOnlySpan<byte> ciphertextBlob, string contextId)
    {
        var hash = Hash(ciphertextBlob);

        // The copy is taken under the same lock as eviction, so a concurrent eviction cannot zero it half-read.
        byte[]? key;
        lock (_lock)
        {
            key = _cache.TryGet(hash, out var entry) && string.Equals(entry.ContextId, contextId, StringComparison.Ordinal)
                ? entry.Key.ToArray()
                : null;
        }

        _metrics?.DataKeyCacheLookup(hit: key is not null);
        return key;
    }

    // Forgets (and zeroes) every key.
    public void Clear()
    {
        lock (_lock)
        {
            _cache.Clear();
        }
    }

    // Stores a copy of key.
    public void Set(ReadOnlySpan<byte> ciphertextBlob, string contextId, ReadOnlySpan<byte> key)
    {
        var hash = Hash(ciphertextBlob);
        lock (_lock)
        {
            _cache.Set(hash, new CachedKey(contextId, key.ToArray()));
        }
    }

    private static string Hash(ReadOnlySpan<byte> blob) => Convert.ToHexStringLower(SHA256.HashData(blob));

    private sealed record CachedKey(string ContextId, byte[] Key);
}
