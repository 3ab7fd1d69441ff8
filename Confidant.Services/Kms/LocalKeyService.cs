using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Kms;

// The embedded key provider: AES-256-GCM keys in a 0600 key ring file, with the encryption context bound as
// associated data so that a wrong context fails as it does in KMS, and HMAC-SHA-256 keys for MACs. File and blob
// formats: docs/decisions/0004-local-key-ring.md. The ring is read again when another process changed the file (a key
// rotated or disabled by a command of the executable), so that running servers follow without a restart.
internal sealed class LocalKeyService : IKeyService, ILocalKeyRing
{
    private const byte BlobVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Wall-clock, not the injected clock: a frozen test clock must not stop a server from seeing a rotated ring.
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly LocalKeyRingFile _file;
    private readonly Lock _extendGate = new();
    private volatile KeyIndex _keys;
    private long _checkedAt;

    public LocalKeyService(string ringPath, IEnumerable<string> aliases, TimeProvider timeProvider, ILogger<LocalKeyService> logger)
    {
        _file = new LocalKeyRingFile(Path.GetFullPath(ringPath), timeProvider, logger);
        _keys = new KeyIndex(_file.LoadOrCreate(aliases), _file.Stamp());
        _checkedAt = Stopwatch.GetTimestamp();
    }

    public IReadOnlyList<LocalKeyInfo> Keys()
    {
        Reload();
        return [.. _keys.Ring.Keys.Select(Info)];
    }

    public LocalKeyInfo Rotate(string aliasName)
    {
        lock (_extendGate)
        {
            var (ring, key) = _file.Rotate(aliasName);
            _keys = new KeyIndex(ring, _file.Stamp());
            return Info(key);
        }
    }

    public LocalKeyInfo SetEnabled(string keyId, bool enabled)
    {
        lock (_extendGate)
        {
            var (ring, key) = _file.SetEnabled(keyId, enabled);
            _keys = new KeyIndex(ring, _file.Stamp());
            return Info(key);
        }
    }

    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default)
    {
        if (numberOfBytes is < 1 or > KeyServiceLimits.MaxRandomBytes)
        {
            throw new KeyServiceException(
                KeyServiceError.InvalidRequest,
                $"GenerateRandom: the number of bytes must be between 1 and {KeyServiceLimits.MaxRandomBytes} (was {numberOfBytes}).");
        }

        return Task.FromResult(RandomNumberGenerator.GetBytes(numberOfBytes));
    }

    public Task<KmsEncryptResult> EncryptAsync(
        string keyId,
        ReadOnlyMemory<byte> plaintext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default)
    {
        var key = Resolve(keyId, "Encrypt");
        return Task.FromResult(new KmsEncryptResult(Seal(key, plaintext.Span, encryptionContext), key.Arn));
    }

    public Task<KmsDecryptResult> DecryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default)
    {
        var (key, plaintext) = Open(ciphertext.Span, encryptionContext, "Decrypt");
        return Task.FromResult(new KmsDecryptResult(plaintext, key.Arn));
    }

    public Task<KmsReEncryptResult> ReEncryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> sourceEncryptionContext,
        string destinationKeyId,
        IReadOnlyDictionary<string, string> destinationEncryptionContext,
        CancellationToken cancellationToken = default)
    {
        var destination = Resolve(destinationKeyId, "ReEncrypt");
        var (source, plaintext) = Open(ciphertext.Span, sourceEncryptionContext, "ReEncrypt");
        try
        {
            return Task.FromResult(new KmsReEncryptResult(Seal(destination, plaintext, destinationEncryptionContext), destination.Arn, source.Arn));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var key = Find(keyId, "DescribeKey");
        return Task.FromResult(new KmsKeyMetadata(key.KeyId, key.Arn, key.Enabled));
    }

    public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        KeyServiceLimits.RequireMacMessage(message, "GenerateMac");
        var key = ResolveHmac(keyId, "GenerateMac", createAlias: true);
        return Task.FromResult(new KmsMacResult(HMACSHA256.HashData(key.Material, message.Span), key.Arn));
    }

    public Task<bool> VerifyMacAsync(
        string keyId,
        ReadOnlyMemory<byte> message,
        ReadOnlyMemory<byte> mac,
        CancellationToken cancellationToken = default)
    {
        KeyServiceLimits.RequireMacMessage(message, "VerifyMac");
        var key = ResolveHmac(keyId, "VerifyMac", createAlias: false);
        var expected = HMACSHA256.HashData(key.Material, message.Span);
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(expected, mac.Span));
    }

    private LocalKey Find(string keyId, string operation)
    {
        RefreshIfChanged();
        if (_keys.ByName.TryGetValue(keyId, out var key))
        {
            return key;
        }

        // A key added by another process since the ring was last read (a rotation): read it again once.
        Reload();
        return _keys.ByName.TryGetValue(keyId, out key)
            ? key
            : throw new KeyServiceException(KeyServiceError.KeyNotFound, $"{operation}: key '{keyId}' is not in the local key ring.");
    }

    private LocalKey? FindById(string keyId)
    {
        RefreshIfChanged();
        if (_keys.ById.TryGetValue(keyId, out var key))
        {
            return key;
        }

        Reload();
        return _keys.ById.GetValueOrDefault(keyId);
    }

    // At most once a second, a look at the file's time and size; the ring is read again only when they moved.
    private void RefreshIfChanged()
    {
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _checkedAt);
        if (Stopwatch.GetElapsedTime(last, now) < RecheckInterval || Interlocked.CompareExchange(ref _checkedAt, now, last) != last)
        {
            return;
        }

        if (_file.Stamp() != _keys.Stamp)
        {
            Reload();
        }
    }

    private void Reload()
    {
        lock (_extendGate)
        {
            var stamp = _file.Stamp();
            if (stamp != _keys.Stamp)
            {
                _keys = new KeyIndex(_file.LoadOrCreate([]), stamp);
            }
        }
    }

    private static LocalKeyInfo Info(LocalKey key) =>
        new(key.KeyId, key.Arn, key.CreationDate, key.Enabled, key.Aliases, key.IsHmac);

    // Encryption keys only: KMS refuses to encrypt with an HMAC key (InvalidKeyUsage).
    private LocalKey Resolve(string keyId, string operation)
    {
        var key = Find(keyId, operation);
        if (key.IsHmac)
        {
            throw new KeyServiceException(KeyServiceError.InvalidRequest, $"{operation}: key '{key.Arn}' is an HMAC key; it cannot encrypt.");
        }

        return key.Enabled
            ? key
            : throw new KeyServiceException(KeyServiceError.KeyDisabled, $"{operation}: key '{key.Arn}' is disabled.");
    }

    // HMAC keys are made on first use of an alias, as the encryption keys are on start: a MAC key is asked for by
    // features (the audit trail's checkpoints) rather than configured up front.
    private LocalKey ResolveHmac(string keyId, string operation, bool createAlias)
    {
        if (createAlias && !_keys.ByName.ContainsKey(keyId) && keyId.StartsWith("alias/", StringComparison.Ordinal))
        {
            lock (_extendGate)
            {
                if (!_keys.ByName.ContainsKey(keyId))
                {
                    _keys = new KeyIndex(_file.LoadOrCreate([keyId], hmac: true), _file.Stamp());
                }
            }
        }

        var key = Find(keyId, operation);
        if (!key.IsHmac)
        {
            throw new KeyServiceException(KeyServiceError.InvalidRequest, $"{operation}: key '{key.Arn}' is not an HMAC key.");
        }

        return key.Enabled
            ? key
            : throw new KeyServiceException(KeyServiceError.KeyDisabled, $"{operation}: key '{key.Arn}' is disabled.");
    }

    // Blob: version ‖ key-id length ‖ key id (ASCII) ‖ 12-byte nonce ‖ ciphertext ‖ 16-byte tag.
    private static byte[] Seal(LocalKey key, ReadOnlySpan<byte> plaintext, IReadOnlyDictionary<string, string> context)
    {
        var keyIdBytes = Encoding.ASCII.GetBytes(key.KeyId);
        var headerSize = 2 + keyIdBytes.Length;
        var blob = new byte[headerSize + NonceSize + plaintext.Length + TagSize];
        blob[0] = BlobVersion;
        blob[1] = checked((byte)keyIdBytes.Length);
        keyIdBytes.CopyTo(blob, 2);
        var nonce = blob.AsSpan(headerSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(
            nonce,
            plaintext,
            blob.AsSpan(headerSize + NonceSize, plaintext.Length),
            blob.AsSpan(blob.Length - TagSize),
            AssociatedData(blob.AsSpan(0, headerSize), context));
        return blob;
    }

    private (LocalKey Key, byte[] Plaintext) Open(ReadOnlySpan<byte> blob, IReadOnlyDictionary<string, string> context, string operation)
    {
        if (blob.Length < 2 || blob[0] != BlobVersion || blob.Length < 2 + blob[1] + NonceSize + TagSize)
        {
            throw Invalid(operation);
        }

        var headerSize = 2 + blob[1];
        var key = FindById(Encoding.ASCII.GetString(blob[2..headerSize]));
        if (key is null || key.IsHmac)
        {
            // KMS reports a ciphertext of a key it does not hold as invalid ciphertext too.
            throw Invalid(operation);
        }

        if (!key.Enabled)
        {
            throw new KeyServiceException(KeyServiceError.KeyDisabled, $"{operation}: key '{key.Arn}' is disabled.");
        }

        var plaintext = new byte[blob.Length - headerSize - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key.Material, TagSize);
            aes.Decrypt(
                blob.Slice(headerSize, NonceSize),
                blob.Slice(headerSize + NonceSize, plaintext.Length),
                blob[^TagSize..],
                plaintext,
                AssociatedData(blob[..headerSize], context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Invalid(operation);
        }

        return (key, plaintext);
    }

    private static KeyServiceException Invalid(string operation) =>
        new(KeyServiceError.InvalidCiphertext,
            $"{operation}: the ciphertext is not valid for the local key ring and the given encryption context.");

    // The blob header followed by the context: pair count, then each key and value as a length-prefixed UTF-8
    // string, keys in ordinal order. Length prefixes make the encoding unambiguous whatever the strings contain.
    internal static byte[] AssociatedData(ReadOnlySpan<byte> header, IReadOnlyDictionary<string, string> context)
    {
        using var stream = new MemoryStream();
        stream.Write(header);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, context.Count);
        stream.Write(length);
        foreach (var (name, value) in context.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var text in (ReadOnlySpan<string>)[name, value])
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
                stream.Write(length);
                stream.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    // The keys by every name they answer to; replaced whole when the ring grows, so readers never lock.
    private sealed class KeyIndex
    {
        public KeyIndex(LocalKeyRing ring, LocalKeyRingFile.FileStamp stamp)
        {
            Ring = ring;
            Stamp = stamp;
            ById = ring.Keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
            ByName = new Dictionary<string, LocalKey>(StringComparer.Ordinal);
            foreach (var key in ring.Keys)
            {
                ByName[key.KeyId] = key;
                ByName[key.Arn] = key;
                foreach (var alias in key.Aliases)
                {
                    ByName[alias] = key;
                    ByName[LocalKey.AliasArnPrefix + alias] = key;
                }
            }
        }

        public LocalKeyRing Ring { get; }

        /// <summary>The file's time and size when this ring was read.</summary>
        public LocalKeyRingFile.FileStamp Stamp { get; }

        public Dictionary<string, LocalKey> ById { get; }

        public Dictionary<string, LocalKey> ByName { get; }
    }
}
