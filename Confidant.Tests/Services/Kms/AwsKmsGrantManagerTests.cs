using Confidant.Services.Kms;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Kms;

[Collection(MotoServerFixture.CollectionName)]
public sealed class AwsKmsGrantManagerTests(MotoServerFixture moto)
{
    private const string Grantee = "arn:aws:iam::123456789012:role/orders";

    [Fact]
    public async Task CreateGrantAsync_ThenList_ReturnsGrantWithContextSubsetAsync()
    {
        // spec §8.4: the decrypt grant is constrained by EncryptionContextSubset {"to": <role>}.
        var (_, arn) = await moto.CreateKeyAsync("auth");
        var grants = new AwsKmsGrantManager(moto.Kms);

        var grantId = await grants.CreateGrantAsync(arn, Grantee, ["Decrypt"], new Dictionary<string, string> { ["to"] = "orders" });
        var listed = await grants.ListGrantsAsync(arn);

        var grant = Assert.Single(listed);
        Assert.Equal(grantId, grant.GrantId);
        Assert.Equal(Grantee, grant.GranteePrincipal);
        Assert.Equal(["Decrypt"], grant.Operations);
        Assert.Equal("orders", grant.EncryptionContextSubset["to"]);
        Assert.True(grants.SupportsGrants);
    }

    [Fact]
    public async Task RevokeGrantAsync_ExistingGrant_RemovesItFromListAsync()
    {
        var (_, arn) = await moto.CreateKeyAsync("auth");
        var grants = new AwsKmsGrantManager(moto.Kms);
        var keep = await grants.CreateGrantAsync(arn, Grantee, ["Encrypt", "Decrypt"], new Dictionary<string, string> { ["from"] = "orders" });
        var revoke = await grants.CreateGrantAsync(arn, Grantee, ["Decrypt"], new Dictionary<string, string> { ["to"] = "orders" });

        await grants.RevokeGrantAsync(arn, revoke);

        var listed = await grants.ListGrantsAsync(arn);
        Assert.Equal([keep], listed.Select(g => g.GrantId));
    }

    [Fact]
    public async Task RevokeGrantAsync_UnknownGrant_ThrowsKeyNotFoundNotSdkExceptionAsync()
    {
        var (_, arn) = await moto.CreateKeyAsync("auth");
        var grants = new AwsKmsGrantManager(moto.Kms);

        var error = await Assert.ThrowsAsync<KeyServiceException>(() => grants.RevokeGrantAsync(arn, "no-such-grant"));

        Assert.Equal(KeyServiceError.KeyNotFound, error.Error);
        Assert.Contains("RevokeGrant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListGrantsAsync_ServerError_ThrowsUnavailableAsync()
    {
        // moto answers ListGrants for an unknown key with HTTP 500: a server failure, reported as Unavailable.
        using var client = moto.CreateKmsClient(maxErrorRetry: 0);
        var grants = new AwsKmsGrantManager(client);

        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => grants.ListGrantsAsync("0b6a4c6e-0000-4000-8000-000000000000"));

        Assert.Equal(KeyServiceError.Unavailable, error.Error);
    }
}
