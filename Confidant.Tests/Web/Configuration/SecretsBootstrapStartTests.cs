using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Configuration;

/// <summary>
/// <c>SECRETS_BOOTSTRAP</c> read at start-up as an operator runs it (spec §7.4): the built executable writes a
/// bootstrap with <c>bootstrap generate</c>, and a server started with <c>file://</c> that bootstrap uses the settings
/// it holds; one it cannot decrypt stops the start with a message naming the setting, and no value is ever printed.
/// </summary>
public sealed class SecretsBootstrapStartTests : IDisposable
{
    private const string SessionSecret = "s3cret-session-value";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Start_WithABootstrapFile_ServesTheSigningKeysItHolds()
    {
        using var rsa = RSA.Create(2048);
        var authorities = new JsonObject
        {
            ["staging"] = new JsonArray(new JsonObject { ["crt"] = "-", ["key"] = rsa.ExportPkcs8PrivateKeyPem(), ["passphrase"] = null, ["kid"] = "bootstrapped-kid" }),
        };
        var bootstrap = await GenerateAsync(
            $"SESSION_SECRET: {SessionSecret}\nJWT_CERTIFICATE_AUTHORITIES: {Convert.ToBase64String(Encoding.UTF8.GetBytes(authorities.ToJsonString()))}\n");

        await using var app = ConfidantProcess.Start(Settings(_directory.Path, new()
        {
            ["SECRETS_BOOTSTRAP"] = $"file://{bootstrap}",
            ["JWT_ACTIVE_SIGNING_KEYS"] = "{\"staging\": \"bootstrapped-kid\"}",
        }));
        using var client = new HttpClient { BaseAddress = await app.BaseAddressAsync() };
        var jwks = await client.GetStringAsync(new Uri("/v1/jwks/public/staging", UriKind.Relative));

        using var keys = JsonDocument.Parse(jwks);
        var key = Assert.Single(keys.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("bootstrapped-kid", key.GetProperty("kid").GetString());
        Assert.DoesNotContain(SessionSecret, app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BootstrapOfAnotherKeyRing_StopsNamingTheSettingAndPrintsNoValue()
    {
        var bootstrap = await GenerateAsync($"SESSION_SECRET: {SessionSecret}\n");
        using var otherRing = new TempDirectory();

        await using var app = ConfidantProcess.Start(Settings(otherRing.Path, new() { ["SECRETS_BOOTSTRAP"] = $"file://{bootstrap}" }));
        var exit = await app.WaitForExitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains($"SECRETS_BOOTSTRAP ({bootstrap}) could not be decrypted with the configured key service", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SessionSecret, app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BootstrapFileMissing_StopsNamingTheFile()
    {
        var missing = Path.Combine(_directory.Path, "missing.json");

        await using var app = ConfidantProcess.Start(Settings(_directory.Path, new() { ["SECRETS_BOOTSTRAP"] = $"file://{missing}" }));
        var exit = await app.WaitForExitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains($"SECRETS_BOOTSTRAP: the file {missing} could not be read (FileNotFoundException).", app.Output, StringComparison.Ordinal);
    }

    /// <summary>A bootstrap of <paramref name="secrets"/> written by the <c>bootstrap generate</c> verb with this test's key ring.</summary>
    private async Task<string> GenerateAsync(string secrets)
    {
        var input = Path.Combine(_directory.Path, "secrets.yaml");
        var output = Path.Combine(_directory.Path, "bootstrap.json");
        await File.WriteAllTextAsync(input, secrets);
        await using var generate = ConfidantProcess.Command(Settings(_directory.Path, []), "bootstrap", "generate", "--in", input, "--out", output);
        Assert.True(await generate.WaitForExitAsync() == 0, generate.Output);
        Assert.DoesNotContain(SessionSecret, generate.Output, StringComparison.Ordinal);
        return output;
    }

    /// <summary>The development environment on the embedded defaults, with the local key ring in <paramref name="ringDirectory"/>.</summary>
    private static Dictionary<string, string> Settings(string ringDirectory, Dictionary<string, string> more)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Kms__LocalKeyRingPath"] = Path.Combine(ringDirectory, "keyring.json"),
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }
}
