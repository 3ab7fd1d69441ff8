using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace Confidant.Services.Kms;

// Runs a KMS call and turns SDK failures into KeyServiceException. Messages name the operation and
// the key, never request or response data.
internal static class AwsKmsErrors
{
    public static async Task<T> CallAsync<T>(string operation, string? keyId, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (Map(ex, operation, keyId, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    internal static KeyServiceException? Map(Exception exception, string operation, string? keyId, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: let the cancellation through unchanged.
            return null;
        }

        var (error, reason) = exception switch
        {
            InvalidCiphertextException or IncorrectKeyException =>
                (KeyServiceError.InvalidCiphertext, "the ciphertext is not valid for the key and encryption context"),
            NotFoundException => (KeyServiceError.KeyNotFound, "the key or grant was not found"),
            DisabledException or KMSInvalidStateException => (KeyServiceError.KeyDisabled, "the key is disabled or not usable"),
            AmazonServiceException { ErrorCode: "AccessDeniedException" or "AccessDenied" }
                or AmazonServiceException { StatusCode: System.Net.HttpStatusCode.Forbidden } =>
                (KeyServiceError.AccessDenied, "access to the key was denied"),
            InvalidKeyUsageException or InvalidArnException or InvalidGrantIdException or InvalidMarkerException
                or InvalidGrantTokenException or AmazonServiceException { ErrorCode: "ValidationException" or "ValidationError" } =>
                (KeyServiceError.InvalidRequest, "KMS rejected the request as invalid"),
            AmazonServiceException or AmazonClientException or HttpRequestException or TimeoutException or OperationCanceledException =>
                (KeyServiceError.Unavailable, "KMS could not be reached or failed"),
            _ => ((KeyServiceError?)null, string.Empty),
        };

        if (error is null)
        {
            return null;
        }

        var subject = keyId is null ? string.Empty : $" with key '{keyId}'";
        return new KeyServiceException(error.Value, $"KMS {operation}{subject} failed: {reason}.", exception);
    }
}
