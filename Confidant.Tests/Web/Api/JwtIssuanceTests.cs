using System.Net;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Jwt;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>The token cache (spec §4.8, JWT_CACHING_*) and the audit record of every token handed out.</summary>
public sealed class JwtIssuanceTests
{
    private const string Token = "/v1/jwks/token/bob?environment=development";

    [Fact]
    public async Task GetToken_CacheEnabled_SameTokenUntilTheTtlThenAFreshOne()
    {
        await using var host = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["Jwt:Cache:Enabled"] = "true",
            ["Jwt:Cache:TtlSeconds"] = "900",
        });

        // A fresh kmsauth token for every call: the fake clock moves past a kmsauth token's own lifetime.
        var first = await TokenAsync(host, "alice", Token);
        host.Factory.Time.Advance(TimeSpan.FromSeconds(899));
        var cached = await TokenAsync(host, "alice", Token);
        var otherRequester = await TokenAsync(host, "carol", Token);
        var otherSubject = await TokenAsync(host, "alice", "/v1/jwks/token/dave?environment=development");
        var shorter = await TokenAsync(host, "alice", "/v1/jwks/token/bob/60?environment=development");
        host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        var afterTtl = await TokenAsync(host, "alice", Token);

        Assert.Equal(first, cached);
        Assert.Equal("carol", JwtTokens.Claims(otherRequester).GetProperty("requester").GetString());
        Assert.Equal("dave", JwtTokens.Claims(otherSubject).GetProperty("user").GetString());
        Assert.Equal(60, JwtTokens.Claims(shorter).GetProperty("exp").GetInt64() - JwtTokens.Claims(shorter).GetProperty("iat").GetInt64());
        Assert.NotEqual(first, afterTtl);
        Assert.Equal(host.Factory.Time.GetUtcNow().ToUnixTimeSeconds(), JwtTokens.Claims(afterTtl).GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task GetToken_CacheEnabled_ARotationIsNotHiddenByTheCache()
    {
        await using var host = ApiTestHost.Create(new Dictionary<string, string?> { ["Jwt:Cache:Enabled"] = "true" });
        using var alice = await host.UserClientAsync("alice");
        var before = await TokenAsync(alice, Token);

        var rotation = await host.Get<JwtKeyRing>().RotateAsync("development");
        var after = await TokenAsync(alice, Token);

        Assert.Contains(rotation.Kid, JwtTokens.Decode(after).Header, StringComparison.Ordinal);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task GetToken_CacheDisabled_EveryRequestSignsAFreshToken()
    {
        await using var host = ApiTestHost.Create();
        using var alice = await host.UserClientAsync("alice");

        var first = await TokenAsync(alice, Token);
        host.Factory.Time.Advance(TimeSpan.FromSeconds(10));
        var second = await TokenAsync(alice, Token);

        Assert.Equal(10, JwtTokens.Claims(second).GetProperty("iat").GetInt64() - JwtTokens.Claims(first).GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task GetToken_EveryTokenHandedOut_IsRecordedWithTheCaller()
    {
        await using var host = ApiTestHost.Create(new Dictionary<string, string?> { ["Jwt:Cache:Enabled"] = "true" });
        using var alice = await host.UserClientAsync("alice");

        await TokenAsync(alice, Token);
        await TokenAsync(alice, Token);
        using var service = await host.ServiceClientAsync("billing");
        await service.GetWireAsync(Token);

        var trail = (await host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: "development/bob"))).Records.Select(r => r.Entry).ToList();
        Assert.Equal(AuditOutcomes.Denied, Assert.Single(trail, e => e.Actor.Name == "billing").Outcome);
        trail.RemoveAll(e => e.Actor.Name == "billing");
        Assert.Equal(2, trail.Count);
        Assert.All(trail, e => Assert.Equal((AuditActions.JwtIssue, AclResources.Jwt, "alice", "user"), (e.Action, e.ResourceType, e.Actor.Name, e.Actor.Type)));
    }

    [Fact]
    public async Task GetToken_AuditStoreFailing_503AndNoToken()
    {
        await using var host = ApiTestHost.Create(configureServices: FailingAuditAppends.Decorate);
        using var alice = await host.UserClientAsync("alice");

        var response = await alice.GetWireAsync(Token);

        response.AssertError(HttpStatusCode.ServiceUnavailable, JwtIssuer.AuditUnavailable);
        Assert.DoesNotContain("\"token\"", response.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.AnonymousClient().GetWireAsync("/v1/jwks/public/development")).Status);
    }

    private static async Task<string> TokenAsync(HttpClient client, string path) =>
        (await client.GetWireAsync(path)).AssertSchema().GetProperty("token").GetString()!;

    private static async Task<string> TokenAsync(ApiTestHost host, string user, string path)
    {
        using var client = await host.UserClientAsync(user);
        return await TokenAsync(client, path);
    }
}
