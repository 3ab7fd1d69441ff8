using Confidant.Services.Kms;

namespace Confidant.Services.Faults;

/// <summary>
/// The key service behind a <see cref="CallGuard"/>: each call ends within <c>Kms:CallTimeoutSeconds</c>, and an
/// unreachable or throttling key service (<see cref="KeyServiceError.Unavailable"/>) is a
/// <see cref="Errors.DependencyUnavailableException"/>. Refusals (bad ciphertext, unknown or disabled key) pass
/// through as they are.
/// </summary>
internal sealed class GuardedKeyService(IKeyService inner, CallGuard guard) : IKeyService
{
    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default) =>
        guard.RunAsync("GenerateRandom", token => inner.GenerateRandomAsync(numberOfBytes, token), cancellationToken);

    public Task<KmsEncryptResult> EncryptAsync(
        string keyId,
        ReadOnlyMemory<byte> plaintext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default) =>
        guard.RunAsync("Encrypt", token => inner.EncryptAsync(keyId, plaintext, encryptionContext, token), cancellationToken);

    public Task<KmsDecryptResult> DecryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default) =>
        guard.RunAsync("Decrypt", token => inner.DecryptAsync(ciphertext, encryptionContext, token), cancellationToken);

    public Task<KmsReEncryptResult> ReEncryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> sourceEncryptionContext,
        string destinationKeyId,
        IReadOnlyDictionary<string, string> destinationEncryptionContext,
        CancellationToken cancellationToken = default) =>
        guard.RunAsync(
            "ReEncrypt",
            token => inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, token),
            cancellationToken);

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        guard.RunAsync("DescribeKey", token => inner.DescribeKeyAsync(keyId, token), cancellationToken);

    public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        guard.RunAsync("GenerateMac", token => inner.GenerateMacAsync(keyId, message, token), cancellationToken);

    public Task<bool> VerifyMacAsync(string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default) =>
        guard.RunAsync("VerifyMac", token => inner.VerifyMacAsync(keyId, message, mac, token), cancellationToken);
}
