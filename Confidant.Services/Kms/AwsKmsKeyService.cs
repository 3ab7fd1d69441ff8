using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Confidant.Services.Kms;

// AWS KMS (or an API-compatible server) behind IKeyService.
internal sealed class AwsKmsKeyService(IAmazonKeyManagementService kms) : IKeyService
{
    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default)
    {
        // Checked here too so that every backend (and KMS look-alikes) answers alike.
        if (numberOfBytes is < 1 or > KeyServiceLimits.MaxRandomBytes)
        {
            throw new KeyServiceException(
                KeyServiceError.InvalidRequest,
                $"GenerateRandom: the number of bytes must be between 1 and {KeyServiceLimits.MaxRandomBytes} (was {numberOfBytes}).");
        }

        return AwsKmsErrors.CallAsync("GenerateRandom", null, async () =>
        {
            var response = await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = numberOfBytes }, cancellationToken);
            return response.Plaintext.ToArray();
        }, cancellationToken);
    }

    public Task<KmsEncryptResult> EncryptAsync(
        string keyId,
        ReadOnlyMemory<byte> plaintext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync("Encrypt", keyId, async () =>
        {
            using var body = new MemoryStream(plaintext.ToArray());
            var response = await kms.EncryptAsync(new EncryptRequest
            {
                KeyId = keyId,
                Plaintext = body,
                EncryptionContext = Copy(encryptionContext),
            }, cancellationToken);
            return new KmsEncryptResult(response.CiphertextBlob.ToArray(), response.KeyId);
        }, cancellationToken);

    public Task<KmsDecryptResult> DecryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> encryptionContext,
        CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync("Decrypt", null, async () =>
        {
            using var blob = new MemoryStream(ciphertext.ToArray());
            var response = await kms.DecryptAsync(new DecryptRequest
            {
                CiphertextBlob = blob,
                EncryptionContext = Copy(encryptionContext),
            }, cancellationToken);
            return new KmsDecryptResult(response.Plaintext.ToArray(), response.KeyId);
        }, cancellationToken);

    public Task<KmsReEncryptResult> ReEncryptAsync(
        ReadOnlyMemory<byte> ciphertext,
        IReadOnlyDictionary<string, string> sourceEncryptionContext,
        string destinationKeyId,
        IReadOnlyDictionary<string, string> destinationEncryptionContext,
        CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync("ReEncrypt", destinationKeyId, async () =>
        {
            using var blob = new MemoryStream(ciphertext.ToArray());
            var response = await kms.ReEncryptAsync(new ReEncryptRequest
            {
                CiphertextBlob = blob,
                SourceEncryptionContext = Copy(sourceEncryptionContext),
                DestinationKeyId = destinationKeyId,
                DestinationEncryptionContext = Copy(destinationEncryptionContext),
            }, cancellationToken);
            return new KmsReEncryptResult(response.CiphertextBlob.ToArray(), response.KeyId, response.SourceKeyId);
        }, cancellationToken);

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync("DescribeKey", keyId, async () =>
        {
            var response = await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken);
            var metadata = response.KeyMetadata;
            return new KmsKeyMetadata(metadata.KeyId, metadata.Arn, metadata.Enabled ?? false);
        }, cancellationToken);

    public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        KeyServiceLimits.RequireMacMessage(message, "GenerateMac");
        return AwsKmsErrors.CallAsync("GenerateMac", keyId, async () =>
        {
            using var body = new MemoryStream(message.ToArray());
            var response = await kms.GenerateMacAsync(new GenerateMacRequest
            {
                KeyId = keyId,
                Message = body,
                MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
            }, cancellationToken);
            return new KmsMacResult(response.Mac.ToArray(), response.KeyId);
        }, cancellationToken);
    }

    public Task<bool> VerifyMacAsync(
        string keyId,
        ReadOnlyMemory<byte> message,
        ReadOnlyMemory<byte> mac,
        CancellationToken cancellationToken = default)
    {
        KeyServiceLimits.RequireMacMessage(message, "VerifyMac");
        return AwsKmsErrors.CallAsync("VerifyMac", keyId, async () =>
        {
            using var body = new MemoryStream(message.ToArray());
            using var expected = new MemoryStream(mac.ToArray());
            try
            {
                var response = await kms.VerifyMacAsync(new VerifyMacRequest
                {
                    KeyId = keyId,
                    Message = body,
                    Mac = expected,
                    MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
                }, cancellationToken);
                return response.MacValid ?? false;
            }
            catch (KMSInvalidMacException)
            {
                // KMS answers a MAC that does not match with an error; to the caller it is a plain "no".
                return false;
            }
        }, cancellationToken);
    }

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string> context) =>
        new(context, StringComparer.Ordinal);
}
