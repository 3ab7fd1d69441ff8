using System.Globalization;
using System.Net;
using System.Text.Json;
using Confidant.Services.Errors;
using Confidant.Services.Jwt;
using Confidant.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Confidant.Tests.Web.Api;

/// <summary>/v1/jwks/token[/&lt;id&gt;] and /v1/jwks/public/&lt;environment&gt; (spec §4.8) on generated keys.</summary>
public abstract class JwtEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private const string Token = "/v1/jwks/token?environment=development";
    private const string Jwks = "/v1/jwks/public/development";

    private ApiTestHost _host = null!;

    private long Now => _host.Factory.Time.GetUtcNow().ToUnixTimeSeconds();

    public async Task InitializeAsync() => _host = await ApiTestHost.CreateAsync(backend);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetToken_KmsUser_Rs256WithTheActiveKidAndTheOriginalsClaims()
    {
        using var alice = await _host.UserClientAsync("alice");

        var body = (await alice.GetWireAsync(Token)).AssertSchema();
        var jwks = (await _host.AnonymousClient().GetWireAsync(Jwks)).AssertSchema();

        WireResponse.AssertFields(body, "token");
        var (header, payload) = JwtTokens.Decode(body.GetProperty("token").GetString()!);
        var kid = jwks.GetProperty("keys")[0].GetProperty("kid").GetString();
        Assert.Equal($"{{\"alg\":\"RS256\",\"kid\":\"{kid}\",\"typ\":\"JWT\"}}", header);
        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"{{\"is_service\":true,\"requester\":\"alice\",\"user\":\"alice\",\"iat\":{Now},\"nbf\":{Now},\"exp\":{Now + 3600}}}"),
            payload);
    }

    [Fact]
    public async Task GetToken_SessionForAnotherSubject_IsServiceFalseRequesterIsThePerson()
    {
        using var session = await _host.SessionClientAsync("carol@example.com");

        var body = (await session.GetWireAsync("/v1/jwks/token/billing-worker?environment=development")).AssertSchema();

        var claims = JwtTokens.Claims(body.GetProperty("token").GetString()!);
        Assert.False(claims.GetProperty("is_service").GetBoolean());
        Assert.Equal("carol@example.com", claims.GetProperty("requester").GetString());
        Assert.Equal("billing-worker", claims.GetProperty("user").GetString());
    }

    [Fact]
    public async Task IssuedToken_ValidatesAgainstThePublishedJwks()
    {
        using var alice = await _host.UserClientAsync("alice");
        var token = (await alice.GetWireAsync("/v1/jwks/token/bob?environment=development")).AssertSchema().GetProperty("token").GetString()!;
        var jwks = (await _host.AnonymousClient().GetWireAsync(Jwks)).Body;

        var result = await JwtTokens.ValidateAsync(token, jwks, _host.Factory.Time.GetUtcNow());
        var tampered = await JwtTokens.ValidateAsync(token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..], jwks, _host.Factory.Time.GetUtcNow());

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("bob", result.Claims["user"]);
        Assert.False(tampered.IsValid);
    }

    [Fact]
    public async Task GetPublicKeys_Anonymous_RsaKeysInTheOriginalsShape()
    {
        var response = await _host.AnonymousClient().GetWireAsync(Jwks);

        var key = Assert.Single(response.AssertSchema().GetProperty("keys").EnumerateArray());
        WireResponse.AssertFields(key, "kty", "kid", "n", "e", "alg");
        Assert.Equal(("RSA", "RS256", "AQAB"), (key.GetProperty("kty").GetString(), key.GetProperty("alg").GetString(), key.GetProperty("e").GetString()));
        Assert.Equal(256, Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()).Length);
        Assert.DoesNotContain('=', key.GetProperty("n").GetString()!);
        Assert.Equal(
            JwtSigningKey.Thumbprint(new() { Modulus = Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()), Exponent = [1, 0, 1] }),
            key.GetProperty("kid").GetString());
    }

    [Fact]
    public async Task Rotation_OldTokensStayValidUntilTheyExpireThenTheirKeyLeavesTheJwks()
    {
        using var alice = await _host.UserClientAsync("alice");
        var time = _host.Factory.Time;
        var old = (await alice.GetWireAsync(Token)).AssertSchema().GetProperty("token").GetString()!;
        var skew = TimeSpan.FromSeconds(300);

        var rotation = await _host.Get<JwtKeyRing>().RotateAsync("development");
        var fresh = (await alice.GetWireAsync(Token)).AssertSchema().GetProperty("token").GetString()!;
        var both = (await _host.AnonymousClient().GetWireAsync(Jwks)).Body;

        Assert.Equal(rotation.Kid, KidOf(fresh));
        Assert.Equal(rotation.PreviousKid, KidOf(old));
        Assert.Equal([rotation.PreviousKid!, rotation.Kid], Kids(both));
        Assert.True((await JwtTokens.ValidateAsync(old, both, time.GetUtcNow(), skew)).IsValid);
        Assert.True((await JwtTokens.ValidateAsync(fresh, both, time.GetUtcNow(), skew)).IsValid);

        // The last moment a verifier with a late clock still accepts the old token: its key is still published.
        time.Advance(TimeSpan.FromSeconds(3600) + skew - TimeSpan.FromSeconds(1));
        var draining = (await _host.AnonymousClient().GetWireAsync(Jwks)).Body;
        Assert.True((await JwtTokens.ValidateAsync(old, draining, time.GetUtcNow(), skew)).IsValid);

        // Drain = lifetime + skew + key refresh (3600 + 300 + 60 s): then the old key is retired.
        time.Advance(TimeSpan.FromSeconds(61));
        var retired = (await _host.AnonymousClient().GetWireAsync(Jwks)).Body;
        Assert.Equal([rotation.Kid], Kids(retired));
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>((await JwtTokens.ValidateAsync(old, retired, time.GetUtcNow() - TimeSpan.FromHours(1))).Exception);
        Assert.True((await JwtTokens.ValidateAsync(fresh, retired, time.GetUtcNow() - TimeSpan.FromHours(1))).IsValid);
    }

    [Fact]
    public async Task GetToken_ExpirySegment_ShortensTheTokenButNeverLengthensIt()
    {
        using var alice = await _host.UserClientAsync("alice");

        var shorter = JwtTokens.Claims((await alice.GetWireAsync("/v1/jwks/token/bob/60?environment=development")).AssertSchema().GetProperty("token").GetString()!);
        var longer = JwtTokens.Claims((await alice.GetWireAsync("/v1/jwks/token/bob/999999?environment=development")).AssertSchema().GetProperty("token").GetString()!);

        Assert.Equal(Now + 60, shorter.GetProperty("exp").GetInt64());
        Assert.Equal(Now + 3600, longer.GetProperty("exp").GetInt64());
    }

    private static readonly (string Path, string Message)[] BadTokenRequests =
    [
        ("/v1/jwks/token", ErrorMessages.SpecifyEnvironment),
        ("/v1/jwks/token?environment=", ErrorMessages.SpecifyEnvironment),
        ("/v1/jwks/token/bob?other=development", ErrorMessages.SpecifyEnvironment),
        ("/v1/jwks/token?environment=production", ErrorMessages.JwtKeyNotAvailable),
        ("/v1/jwks/token?environment=%00development", ErrorMessages.JwtKeyNotAvailable),
        ("/v1/jwks/token/b%01ob?environment=development", JwtIssuer.MalformedSubject),
        ($"/v1/jwks/token/{new string('x', JwtIssuer.MaxSubjectLength + 1)}?environment=development", JwtIssuer.MalformedSubject),
        ("/v1/jwks/token/bob/soon?environment=development", JwtIssuer.MalformedExpiry),
        ("/v1/jwks/token/bob/0?environment=development", JwtIssuer.MalformedExpiry),
        ("/v1/jwks/token/bob/99999999999?environment=development", JwtIssuer.MalformedExpiry),
    ];

    [Fact]
    public async Task GetToken_BadInput_400WithTheDocumentedMessage()
    {
        // One host for every case: a host start costs seconds, a request milliseconds.
        using var alice = await _host.UserClientAsync("alice");

        foreach (var (path, message) in BadTokenRequests)
        {
            var response = await alice.GetWireAsync(path);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{path}: {(int)response.Status} {response.Body}");
            response.AssertError(HttpStatusCode.BadRequest, message);
        }
    }

    [Fact]
    public async Task GetToken_Service_403EvenForItself()
    {
        // spec §3.3: the default ACL denies jwt to services.
        using var billing = await _host.ServiceClientAsync("billing");

        (await billing.GetWireAsync(Token)).AssertError(HttpStatusCode.Forbidden, "billing does not have access to get JWT billing");
        (await billing.GetWireAsync("/v1/jwks/token/web?environment=development"))
            .AssertError(HttpStatusCode.Forbidden, "billing does not have access to get JWT web");
    }

    [Fact]
    public async Task GetToken_Anonymous_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.AnonymousClient().GetWireAsync(Token)).Status);
    }

    [Fact]
    public async Task GetPublicKeys_UnknownEnvironment_404()
    {
        foreach (var path in new[] { "/v1/jwks/public/production", "/v1/jwks/public/Development", "/v1/jwks/public/%01development" })
        {
            (await _host.AnonymousClient().GetWireAsync(path)).AssertError(HttpStatusCode.NotFound, ErrorMessages.JwtPublicKeyNotFound);
        }
    }

    private static string KidOf(string token) => JsonDocument.Parse(JwtTokens.Decode(token).Header).RootElement.GetProperty("kid").GetString()!;

    private static List<string> Kids(string jwks) =>
        [.. JsonDocument.Parse(jwks).RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
}
