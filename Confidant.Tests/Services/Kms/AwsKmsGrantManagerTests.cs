using System.Net;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Kms;

[Collection(MotoServerFixture.CollectionName)]
public sealed class AwsKmsGrantManagerTests(MotoServerFixture moto)
{
    private const string Grantee = "arn:aws:iam::123456789012:role/orders";
    private static readonly string[] DecryptOnly = ["Decrypt"];

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

    // moto answers ListGrants in one page, so paging (spec §8.4) is checked against a small KMS-shaped HTTP
    // endpoint that serves three pages and records what the SDK sent.
    [Fact]
    public async Task ListGrantsAsync_TruncatedPages_FollowsNextMarkerWithLimit250Async()
    {
        var requests = new List<JsonElement>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapPost("/", async (HttpRequest request) =>
        {
            var body = await JsonDocument.ParseAsync(request.Body);
            var page = requests.Count;
            requests.Add(body.RootElement.Clone());
            var grants = new[] { new { GrantId = $"g{page}", GranteePrincipal = "arn:aws:iam::1:role/x", Operations = DecryptOnly } };
            object response = page < 2
                ? new { Grants = grants, Truncated = true, NextMarker = $"m{page + 1}" }
                : new { Grants = grants, Truncated = false };
            return Results.Text(JsonSerializer.Serialize(response), "application/x-amz-json-1.1");
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonKeyManagementServiceConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });

        var grants = await new AwsKmsGrantManager(client).ListGrantsAsync("key-1");

        Assert.Equal(["g0", "g1", "g2"], grants.Select(g => g.GrantId));
        Assert.False(requests[0].TryGetProperty("Limit", out _));
        Assert.Equal("m1", requests[1].GetProperty("Marker").GetString());
        Assert.Equal(250, requests[1].GetProperty("Limit").GetInt32());
        Assert.Equal("m2", requests[2].GetProperty("Marker").GetString());
        Assert.All(requests, r => Assert.Equal("key-1", r.GetProperty("KeyId").GetString()));
        await app.StopAsync();
    }
}
