using Confidant.Services.Kms;

namespace Confidant.Tests.Services.Kms;

public sealed class KmsOptionsValidatorTests
{
    private readonly KmsOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(_validator.Validate(null, new KmsOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Foo")]
    [InlineData("1")]
    [InlineData("")]
    public void Validate_UnknownProvider_FailsNamingKeyAndValue(string provider)
    {
        var result = _validator.Validate(null, new KmsOptions { Provider = provider });

        Assert.Contains($"Kms:Provider must be one of Local, Aws (was '{provider}').", result.Failures!);
    }

    [Theory]
    [InlineData(0, 300, "Kms:DataKeyCacheSize")]
    [InlineData(2_000_000, 300, "Kms:DataKeyCacheSize")]
    [InlineData(10, 0, "Kms:DataKeyCacheSeconds")]
    [InlineData(10, 100_000, "Kms:DataKeyCacheSeconds")]
    public void Validate_CacheOutOfBounds_FailsNamingKey(int size, int seconds, string key)
    {
        var result = _validator.Validate(null, new KmsOptions { DataKeyCacheSize = size, DataKeyCacheSeconds = seconds });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LocalProviderWithKeyArn_FailsAskingForAlias()
    {
        var result = _validator.Validate(null, new KmsOptions { MasterKeyId = "arn:aws:kms:us-east-1:1:key/abc" });

        Assert.Contains(result.Failures!, f => f.StartsWith("Kms:MasterKeyId must be an alias/", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AwsProviderWithKeyArnAndEndpoint_Succeeds()
    {
        var options = new KmsOptions { Provider = "aws", MasterKeyId = "arn:aws:kms:us-east-1:1:key/abc", ServiceUrl = "http://127.0.0.1:5000" };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_RelativeServiceUrl_Fails()
    {
        var result = _validator.Validate(null, new KmsOptions { Provider = "Aws", ServiceUrl = "localhost:5000" });

        Assert.Contains(result.Failures!, f => f.StartsWith("Kms:ServiceUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void Validate_CallTimeoutOutOfBounds_NamesTheKey(int seconds)
    {
        var result = new KmsOptionsValidator().Validate(null, new KmsOptions { CallTimeoutSeconds = seconds });

        Assert.Equal([$"Kms:CallTimeoutSeconds must be between 1 and 300 (was {seconds})."], result.Failures);
    }
}
