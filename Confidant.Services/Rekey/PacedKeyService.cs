using Confidant.Services.Kms;

namespace Confidant.Services.Rekey;

/// <summary>The key service as the rekey job uses it: every call waits for its turn on the <see cref="KmsCallPacer"/>.</summary>
internal sealed class PacedKeyService(IKeyService inner, KmsCallPacer pacer) : IKeyService
{
    public async Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.GenerateRandomAsync(numberOfBytes, cancellationToken);
    }

    public async Task<KmsEncryptResult> EncryptAsync(
        string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken);
    }

    public async Task<KmsDecryptResult> DecryptAsync(
        ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken);
    }

    public async Task<KmsReEncryptResult> ReEncryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> sourceEncryptionContext,
        string destinationKeyId,
        IReadOnlyDictionary<string, string> destinationEncryptionContext,
        CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken);
    }

    public async Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.DescribeKeyAsync(keyId, cancellationToken);
    }

    public async Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.GenerateMacAsync(keyId, message, cancellationToken);
    }

    public async Task<bool> VerifyMacAsync(
        string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default)
    {
        await pacer.WaitAsync(cancellationToken);
        return await inner.VerifyMacAsync(keyId, message, mac, cancellationToken);
    }
}
