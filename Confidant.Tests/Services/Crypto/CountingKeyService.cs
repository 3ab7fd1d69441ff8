using Confidant.Services.Kms;

namespace Confidant.Tests.Services.Crypto;

/// <summary>Passes every call to a real key service and counts the decrypts.</summary>
internal sealed class CountingKeyService(IKeyService inner) : IKeyService
{
    private int _decrypts;

    public int Decrypts => Volatile.Read(ref _decrypts);

    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default) =>
        inner.GenerateRandomAsync(numberOfBytes, cancellationToken);

    public Task<KmsEncryptResult> EncryptAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default) =>
        inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken);

    public Task<KmsDecryptResult> DecryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _decrypts);
        return inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken);
    }

    public Task<KmsEncryptResult> ReEncryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> sourceEncryptionContext, string destinationKeyId, IReadOnlyDictionary<string, string> destinationEncryptionContext, CancellationToken cancellationToken = default) =>
        inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken);

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        inner.DescribeKeyAsync(keyId, cancellationToken);
}
