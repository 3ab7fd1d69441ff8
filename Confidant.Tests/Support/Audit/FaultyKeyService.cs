using Confidant.Services.Kms;

namespace Confidant.Tests.Support.Audit;

/// <summary>The real key service, except that its MAC operations fail as an unreachable KMS does while <see cref="Down"/>.</summary>
public sealed class FaultyKeyService(IKeyService inner) : IKeyService
{
    public bool Down { get; set; }

    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default) =>
        inner.GenerateRandomAsync(numberOfBytes, cancellationToken);

    public Task<KmsEncryptResult> EncryptAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default) =>
        inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken);

    public Task<KmsDecryptResult> DecryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default) =>
        inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken);

    public Task<KmsReEncryptResult> ReEncryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> sourceEncryptionContext, string destinationKeyId, IReadOnlyDictionary<string, string> destinationEncryptionContext, CancellationToken cancellationToken = default) =>
        inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken);

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        inner.DescribeKeyAsync(keyId, cancellationToken);

    public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        Down ? throw Unavailable() : inner.GenerateMacAsync(keyId, message, cancellationToken);

    public Task<bool> VerifyMacAsync(string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default) =>
        Down ? throw Unavailable() : inner.VerifyMacAsync(keyId, message, mac, cancellationToken);

    private static KeyServiceException Unavailable() => new(KeyServiceError.Unavailable, "KMS GenerateMac failed: KMS could not be reached or failed.");
}
