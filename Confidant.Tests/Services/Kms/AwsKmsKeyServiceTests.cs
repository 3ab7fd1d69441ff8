using Amazon.KeyManagementService.Model;
using Confidant.Services.Kms;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Kms;

[Collection(MotoServerFixture.CollectionName)]
public sealed class AwsKmsKeyServiceTests(MotoServerFixture moto) : KeyServiceContract
{
    public override async Task InitializeAsync()
    {
        KeyService = new AwsKmsKeyService(moto.Kms);
        PrimaryAlias = (await moto.CreateKeyAsync("primary")).Alias;
        SecondaryAlias = (await moto.CreateKeyAsync("secondary")).Alias;
        MacAlias = await moto.CreateMacKeyAsync();
    }

    public static TheoryData<Exception, KeyServiceError> SdkErrors => new()
    {
        { new DisabledException("disabled"), KeyServiceError.KeyDisabled },
        { new KMSInvalidStateException("pending deletion"), KeyServiceError.KeyDisabled },
        { new IncorrectKeyException("other key"), KeyServiceError.InvalidCiphertext },
        { new InvalidCiphertextException("bad"), KeyServiceError.InvalidCiphertext },
        { new NotFoundException("missing"), KeyServiceError.KeyNotFound },
        { new KMSInternalException("boom"), KeyServiceError.Unavailable },
        { new HttpRequestException("refused"), KeyServiceError.Unavailable },
        { new TaskCanceledException("timeout"), KeyServiceError.Unavailable },
    };

    [Theory]
    [MemberData(nameof(SdkErrors))]
    public void Map_SdkException_ReturnsOurErrorNamingOperationAndKey(Exception sdkError, KeyServiceError expected)
    {
        var mapped = AwsKmsErrors.Map(sdkError, "Encrypt", "alias/at-rest", CancellationToken.None);

        Assert.NotNull(mapped);
        Assert.Equal(expected, mapped.Error);
        Assert.Equal("KMS Encrypt with key 'alias/at-rest' failed", mapped.Message.Split(':')[0]);
    }

    [Fact]
    public void Map_CancelledByCaller_ReturnsNullSoCancellationPropagates()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Null(AwsKmsErrors.Map(new TaskCanceledException(), "Decrypt", null, cancelled.Token));
    }

    [Fact]
    public async Task DecryptAsync_ServerUnreachable_ThrowsUnavailableAsync()
    {
        // A port nothing listens on: connection refused must surface as our Unavailable, not an SDK type.
        using var client = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(
            new Amazon.Runtime.BasicAWSCredentials("x", "x"),
            new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig
            {
                ServiceURL = "http://127.0.0.1:1",
                AuthenticationRegion = "us-east-1",
                MaxErrorRetry = 0,
            });
        var service = new AwsKmsKeyService(client);

        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => service.DecryptAsync(new byte[] { 1, 2, 3 }, new Dictionary<string, string>()));

        Assert.Equal(KeyServiceError.Unavailable, error.Error);
    }

    [Fact]
    public void Map_AccessDeniedServiceError_ReturnsAccessDenied()
    {
        var sdkError = new Amazon.Runtime.AmazonServiceException("denied")
        {
            ErrorCode = "AccessDeniedException",
            StatusCode = System.Net.HttpStatusCode.BadRequest,
        };

        var mapped = AwsKmsErrors.Map(sdkError, "Decrypt", "alias/x", CancellationToken.None);

        Assert.NotNull(mapped);
        Assert.Equal(KeyServiceError.AccessDenied, mapped.Error);
        Assert.Same(sdkError, mapped.InnerException);
    }

    [Fact]
    public void Map_ValidationError_ReturnsInvalidRequest()
    {
        var sdkError = new Amazon.Runtime.AmazonServiceException("bad") { ErrorCode = "ValidationException" };

        var mapped = AwsKmsErrors.Map(sdkError, "GenerateRandom", null, CancellationToken.None);

        Assert.Equal(KeyServiceError.InvalidRequest, mapped!.Error);
    }
}
