namespace Confidant.Services.Kms;

/// <summary>
/// The key-provider port: the subset of AWS KMS Confidant uses. Every backend binds the encryption context to the
/// ciphertext: decrypting with a context other than the one used to encrypt fails with
/// <see cref="KeyServiceError.InvalidCiphertext"/>.
/// </summary>
public interface IKeyService
{
    /// <summary>Random bytes from the key provider (KMS GenerateRandom).</summary>
    Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default);

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="keyId"/> (id, ARN or alias).</summary>
    Task<KmsEncryptResult> EncryptAsync(
        string keyId,
        ReadOnlyMemory<byte> plaintext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default);

    /// <summary>Decrypts a ciphertext; the key is found from the ciphertext itself. Returns the key's ARN.</summary>
    Task<KmsDecryptResult> DecryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-encrypts a ciphertext under another key and context without exposing the plaintext to the caller (KMS
    /// ReEncrypt: the plaintext never leaves the key service). Returns the new ciphertext, the key that wraps it and the
    /// key that wrapped the old one, so a caller can tell a blob that was already under the destination key.
    /// </summary>
    Task<KmsReEncryptResult> ReEncryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> sourceEncryptionContext,
        string destinationKeyId,
        IReadOnlyDictionary<string, string> destinationEncryptionContext,
        CancellationToken cancellationToken = default);

    /// <summary>Resolves a key id, ARN or alias to the key's metadata.</summary>
    Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// HMAC-SHA-256 of <paramref name="message"/> (1 to <see cref="KeyServiceLimits.MaxMacMessageBytes"/> bytes) under an
    /// HMAC key (KMS GenerateMac). Returns the MAC and the id the key service names the key by, to verify with later
    /// even after the alias moves. A key that is not an HMAC key fails with <see cref="KeyServiceError.InvalidRequest"/>.
    /// </summary>
    Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="mac"/> is the HMAC-SHA-256 of <paramref name="message"/> under the key (KMS VerifyMac).
    /// A MAC that does not match is <c>false</c>, not an error; an unknown or unusable key is an error.
    /// </summary>
    Task<bool> VerifyMacAsync(
        string keyId,
        ReadOnlyMemory<byte> message,
        ReadOnlyMemory<byte> mac,
        CancellationToken cancellationToken = default);
}

/// <summary>Limits every backend enforces alike, so that KMS look-alikes and the local ring answer the same.</summary>
public static class KeyServiceLimits
{
    /// <summary>KMS GenerateRandom accepts 1..1024 bytes.</summary>
    public const int MaxRandomBytes = 1024;

    /// <summary>KMS GenerateMac and VerifyMac accept messages of 1..4096 bytes.</summary>
    public const int MaxMacMessageBytes = 4096;

    internal static void RequireMacMessage(ReadOnlyMemory<byte> message, string operation)
    {
        if (message.Length is < 1 or > MaxMacMessageBytes)
        {
            throw new KeyServiceException(
                KeyServiceError.InvalidRequest,
                $"{operation}: the message must be between 1 and {MaxMacMessageBytes} bytes (was {message.Length}).");
        }
    }
}

public sealed record KmsEncryptResult(byte[] Ciphertext, string KeyArn);

public sealed record KmsDecryptResult(byte[] Plaintext, string KeyArn);

/// <summary>A re-encrypted ciphertext, the key now wrapping it and the key that wrapped it before (ARNs on AWS KMS).</summary>
public sealed record KmsReEncryptResult(byte[] Ciphertext, string KeyArn, string SourceKeyArn);

/// <summary>A MAC and the key that made it (an ARN on AWS KMS).</summary>
public sealed record KmsMacResult(byte[] Mac, string KeyId);

public sealed record KmsKeyMetadata(string KeyId, string Arn, bool Enabled);

/// <summary>Why a key-service call failed.</summary>
public enum KeyServiceError
{
    /// <summary>Tampered ciphertext, wrong encryption context, or a ciphertext of another key ring.</summary>
    InvalidCiphertext,

    /// <summary>The key id, ARN or alias names no key.</summary>
    KeyNotFound,

    /// <summary>The key exists but is disabled or pending deletion.</summary>
    KeyDisabled,

    /// <summary>The caller may not use the key.</summary>
    AccessDenied,

    /// <summary>The request itself was invalid (for example a size out of range).</summary>
    InvalidRequest,

    /// <summary>The key provider could not be reached or failed.</summary>
    Unavailable,
}

/// <summary>A key-service failure. Messages name keys and operations, never plaintext or ciphertext.</summary>
public sealed class KeyServiceException(KeyServiceError error, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public KeyServiceError Error { get; } = error;
}
