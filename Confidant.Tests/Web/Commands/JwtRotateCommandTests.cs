using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Audit;
using Confidant.Tests.Support;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary>The <c>jwt rotate</c> verb: a new key signs, the previous one stays published while it drains.</summary>
public sealed class JwtRotateCommandTests : IAsyncLifetime
{
    private const string Token = "/v1/jwks/token?environment=development";
    private const string Jwks = "/v1/jwks/public/development";

    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RunAsync_Rotate_TheServerSignsWithTheNewKeyAndStillPublishesTheOld()
    {
        var before = await KidAsync(_host);

        var (exit, output, error) = await RunAsync(_host, "jwt", "rotate", "--environment", "development");

        Assert.Equal(0, exit);
        Assert.Empty(error);
        var after = await KidAsync(_host);
        Assert.NotEqual(before, after);
        Assert.Contains($"signing kid: {after}", output, StringComparison.Ordinal);
        Assert.Contains($"previous kid: {before} (published until 2026-01-15 13:06:00Z)", output, StringComparison.Ordinal);
        Assert.Equal([before, after], await KidsAsync(_host));
        var record = Assert.Single((await _host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.Admin })).Records).Entry;
        Assert.Equal((AuditChannels.Command, "jwt rotate", Environment.UserName), (record.Origin.Channel, record.Origin.Route, record.Actor.Name));
    }

    [Fact]
    public async Task RunAsync_FromAnotherInstanceSharingTheFiles_TheServerSwitchesWithinTheRefreshInterval()
    {
        var before = await KidAsync(_host);
        var data = _host.Factory.DataDirectory;
        await using var operatorSide = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = Path.Combine(data, "confidant.db"),
            ["Kms:LocalKeyRingPath"] = Path.Combine(data, "keyring.json"),
            ["Jwt:KeyFile"] = Path.Combine(data, "jwt-keys.json"),
        });

        var (exit, output, _) = await RunAsync(operatorSide, "jwt", "rotate", "--environment", "development");
        var stale = await KidAsync(_host);
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(60));
        var seen = await KidAsync(_host);

        Assert.Equal(0, exit);
        Assert.Equal(before, stale);
        Assert.Contains($"signing kid: {seen}", output, StringComparison.Ordinal);
        Assert.Equal([before, seen], await KidsAsync(_host));
    }

    private static readonly string[][] BadArguments =
    [
        ["jwt"],
        ["jwt", "rotate"],
        ["jwt", "rotate", "--environment"],
        ["jwt", "rotate", "--environment", " "],
        ["jwt", "rotate", "--env", "development"],
        ["jwt", "rotate", "--environment", "development", "extra"],
        ["jwt", "retire", "--environment", "development"],
        ["jwt", "rotate", "--environment", "production"],
    ];

    [Fact]
    public async Task RunAsync_BadArguments_ExitCode2WithUsageAndNothingRotated()
    {
        // One host for every case (a host start costs seconds); none of them may change the keys.
        var before = await KidsAsync(_host);

        foreach (var args in BadArguments)
        {
            var (exit, output, error) = await RunAsync(_host, args);

            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}");
            Assert.Empty(output);
            Assert.Contains("jwt rotate --environment NAME", error, StringComparison.Ordinal);
        }

        Assert.Equal(before, await KidsAsync(_host));
    }

    [Fact]
    public async Task RunAsync_Help_PrintsUsage()
    {
        var (exit, output, _) = await RunAsync(_host, "jwt", "rotate", "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith(JwtRotateCommand.Usage, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ConfiguredEnvironment_ExitCode2SayingWhereItsKeysAreRotated()
    {
        using var rsa = RSA.Create(2048);
        var authorities = new JsonObject
        {
            ["staging"] = new JsonArray(new JsonObject { ["crt"] = "-", ["key"] = rsa.ExportPkcs8PrivateKeyPem(), ["passphrase"] = null, ["kid"] = "k1" }),
        };
        await using var host = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["Jwt:CertificateAuthorities"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(authorities.ToJsonString())),
            ["Jwt:GenerateKeys"] = "false",
            ["Jwt:ActiveSigningKeys:staging"] = "k1",
        });

        var (exit, _, error) = await RunAsync(host, "jwt", "rotate", "--environment", "staging");

        Assert.Equal(2, exit);
        Assert.Contains("The keys of 'staging' come from Jwt:CertificateAuthorities (JWT_CERTIFICATE_AUTHORITIES): rotate them there.", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(ApiTestHost host, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(host.Factory.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<string> KidAsync(ApiTestHost host)
    {
        using var alice = await host.UserClientAsync("alice");
        var token = (await alice.GetWireAsync(Token)).AssertSchema().GetProperty("token").GetString()!;
        return JsonDocument.Parse(JwtTokens.Decode(token).Header).RootElement.GetProperty("kid").GetString()!;
    }

    private static async Task<List<string>> KidsAsync(ApiTestHost host) =>
        [.. (await host.AnonymousClient().GetWireAsync(Jwks)).AssertSchema().GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
}
