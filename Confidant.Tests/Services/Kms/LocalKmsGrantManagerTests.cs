using Confidant.Services.Kms;

namespace Confidant.Tests.Services.Kms;

public sealed class LocalKmsGrantManagerTests
{
    private readonly LocalKmsGrantManager _grants = new();

    [Fact]
    public async Task ListGrantsAsync_AnyKey_ReturnsEmptyAndReportsNoSupportAsync()
    {
        Assert.False(_grants.SupportsGrants);
        Assert.Empty(await _grants.ListGrantsAsync("alias/authnz"));
    }

    [Fact]
    public async Task CreateGrantAsync_AnyGrant_ThrowsInvalidRequestAsync()
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => _grants.CreateGrantAsync("alias/authnz", "arn:aws:iam::1:role/x", ["Decrypt"], new Dictionary<string, string>()));

        Assert.Equal(KeyServiceError.InvalidRequest, error.Error);
        Assert.Contains("not supported by the local key ring", error.Message, StringComparison.Ordinal);
    }
}
