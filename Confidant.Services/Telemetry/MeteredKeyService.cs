using Confidant.Services.Kms;

namespace Confidant.Services.Telemetry;

/// <summary>
/// Counts and times every call that reaches the key service, by operation and outcome. It sits inside the fault
/// guard, so a call the guard refuses or cuts short is not a call to KMS; the outcome is <c>ok</c>, or the
/// <see cref="KeyServiceError"/>, or <c>unavailable</c> for anything else.
/// </summary>
internal sealed class MeteredKeyService(IKeyService inner, ConfidantMetrics metrics, TimeProvider time) : IKeyService
{
    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default) =>
        MeasureAsync("GenerateRandom", () => inner.GenerateRandomAsync(numberOfBytes, cancellationToken));

    public Task<KmsEncryptResult> EncryptAsync(
        string keyId,
        ReadOnlyMemory<byte> plaintext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default) =>
        MeasureAsync("Encrypt", () => inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken));

    public Task<KmsDecryptResult> DecryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default) =>
        MeasureAsync("Decrypt", () => inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken));

    public Task<KmsReEncryptResult> ReEncryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> sourceEncryptionContext,
        string destinationKeyId,
        IReadOnlyDictionary<string, string> destinationEncryptionContext,
        CancellationToken cancellationToken = default) =>
        MeasureAsync("ReEncrypt", () => inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken));

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        MeasureAsync("DescribeKey", () => inner.DescribeKeyAsync(keyId, cancellationToken));

    public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        MeasureAsync("GenerateMac", () => inner.GenerateMacAsync(keyId, message, cancellationToken));

    public Task<bool> VerifyMacAsync(string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default) =>
        MeasureAsync("VerifyMac", () => inner.VerifyMacAsync(keyId, message, mac, cancellationToken));

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call)
    {
        var started = time.GetTimestamp();
        var outcome = "unavailable";
        try
        {
            var result = await call();
            outcome = "ok";
            return result;
        }
        catch (KeyServiceException error)
        {
            outcome = error.Error.ToString();
            throw;
        }
        finally
        {
            metrics.KeyServiceCall(operation, outcome, time.GetElapsedTime(started));
        }
    }
}
