using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Confidant.Services.Jwt;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Jwt;

/// <summary>Generated signing keys: kept encrypted by the key service, rotated with a drain, shared through the key file.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class JwtKeyRingTests : IDisposable
{
    private const string AtRest = "alias/confidant-at-rest";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly LocalKeyService _keys;

    public JwtKeyRingTests() =>
        _keys = new LocalKeyService(_directory.File("keyring.json"), [AtRest], _time, NullLogger<LocalKeyService>.Instance);

    private string KeyFile => _directory.File("App_Data/jwt-keys.json");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task GetAsync_FirstUse_GeneratesOneKeyPerEnvironmentNeverInClearOnDisk()
    {
        using var ring = Ring("development", "staging");

        var development = await ring.GetAsync("development");
        var staging = await ring.GetAsync("staging");

        var active = Assert.Single(development!.Published);
        Assert.Same(active, development.Active);
        Assert.NotEqual(active.Kid, staging!.Active!.Kid);
        Assert.Equal(JwtSigningKey.Thumbprint(active.PublicKey), active.Kid);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        var stored = Entries("development").Single();
        var ciphertext = Convert.FromBase64String(stored["private_key"]!.GetValue<string>());
        using var probe = RSA.Create();
        Assert.ThrowsAny<CryptographicException>(() => probe.ImportPkcs8PrivateKey(ciphertext, out _));
        var text = await File.ReadAllTextAsync(KeyFile);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);

        // The ciphertext is written as plain base64 ('+' not as \u002B), so it can be handed to `aws kms decrypt`.
        Assert.Contains($"\"{stored["private_key"]!.GetValue<string>()}\"", text, StringComparison.Ordinal);

        // It is the key service's ciphertext of exactly that key, bound to its environment and kid.
        var plaintext = await _keys.DecryptAsync(ciphertext, Context("development", active.Kid));
        probe.ImportPkcs8PrivateKey(plaintext.Plaintext, out _);
        Assert.Equal(active.PublicKey.Modulus, probe.ExportParameters(false).Modulus);
    }

    [Fact]
    public async Task GetAsync_UnknownEnvironment_NullAndNothingGenerated()
    {
        using var ring = Ring("development");

        Assert.Null(await ring.GetAsync("production"));
        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public async Task GetAsync_SecondRingOnTheSameFile_SameKeyNotASecondOne()
    {
        using var first = Ring("development");
        using var second = Ring("development");

        var keys = await Task.WhenAll(first.GetAsync("development"), second.GetAsync("development"));

        Assert.Equal(keys[0]!.Active!.Kid, keys[1]!.Active!.Kid);
        Assert.Single(Entries("development"));
    }

    [Fact]
    public async Task RotateAsync_PreviousKeyDrainsForLifetimeSkewAndRefreshThenIsRetiredAndPruned()
    {
        using var ring = Ring("development");
        var first = (await ring.GetAsync("development"))!.Active!.Kid;

        var rotation = await ring.RotateAsync("development");
        var during = await ring.GetAsync("development");

        Assert.Equal((first, _time.GetUtcNow() + TimeSpan.FromSeconds(3600 + 300 + 60)), (rotation.PreviousKid, rotation.PreviousRetireAt));
        Assert.Equal(rotation.Kid, during!.Active!.Kid);
        Assert.Equal([first, rotation.Kid], during.Published.Select(k => k.Kid));
        Assert.Null(during.Published[0].Signer);

        _time.Advance(TimeSpan.FromSeconds(3960) - TimeSpan.FromTicks(1));
        Assert.Equal(2, (await ring.GetAsync("development"))!.Published.Count);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal([rotation.Kid], (await ring.GetAsync("development"))!.Published.Select(k => k.Kid));

        var third = await ring.RotateAsync("development");
        Assert.Equal([rotation.Kid, third.Kid], Entries("development").Select(e => e["kid"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RotateAsync_ByAnotherProcess_SeenWithinTheRefreshInterval()
    {
        using var server = Ring("development");
        using var command = Ring("development");
        var before = (await server.GetAsync("development"))!.Active!.Kid;

        var rotation = await command.RotateAsync("development");
        var stale = (await server.GetAsync("development"))!.Active!.Kid;
        _time.Advance(TimeSpan.FromSeconds(60));
        var seen = await server.GetAsync("development");

        Assert.Equal(before, stale);
        Assert.Equal(rotation.Kid, seen!.Active!.Kid);
        Assert.Equal([before, rotation.Kid], seen.Published.Select(k => k.Kid));
    }

    [Fact]
    public async Task GetAsync_EntryMovedToAnotherEnvironment_Refused()
    {
        using (var ring = Ring("development"))
        {
            await ring.GetAsync("development");
        }

        // Someone with write access to the file publishes development's key for staging as well.
        var document = JsonNode.Parse(await File.ReadAllTextAsync(KeyFile))!;
        document["environments"]!["staging"] = JsonNode.Parse(document["environments"]!["development"]!.ToJsonString());
        await File.WriteAllTextAsync(KeyFile, document.ToJsonString());

        using var reader = Ring("development", "staging");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.GetAsync("staging"));

        Assert.Contains("does not decrypt for this environment and kid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_KidNotTheKeysThumbprint_Refused()
    {
        using (var ring = Ring("development"))
        {
            await ring.GetAsync("development");
        }

        var document = JsonNode.Parse(await File.ReadAllTextAsync(KeyFile))!;
        var entry = document["environments"]!["development"]![0]!;
        var kid = entry["kid"]!.GetValue<string>();
        using (var other = RSA.Create(2048))
        {
            // A substitute key encrypted properly under the kid of the real one.
            var pkcs8 = other.ExportPkcs8PrivateKey();
            entry["private_key"] = Convert.ToBase64String((await _keys.EncryptAsync(AtRest, pkcs8, Context("development", kid))).Ciphertext);
        }

        await File.WriteAllTextAsync(KeyFile, document.ToJsonString());
        using var reader = Ring("development");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.GetAsync("development"));
        Assert.Contains("its kid is not the thumbprint of its key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateAsync_EnvironmentWithoutGeneratedKeys_Refused()
    {
        using var ring = Ring("development");

        await Assert.ThrowsAsync<InvalidOperationException>(() => ring.RotateAsync("production"));
        Assert.False(File.Exists(KeyFile));
    }

    private JwtKeyRing Ring(params string[] environments) =>
        new(new JwtOptions { Environments = [.. environments] }, KeyFile, _keys, AtRest, _time, NullLogger<JwtKeyRing>.Instance);

    private List<JsonNode> Entries(string environment) =>
        [.. JsonNode.Parse(File.ReadAllText(KeyFile))!["environments"]![environment]!.AsArray().Select(e => e!)];

    private static Dictionary<string, string> Context(string environment, string kid) => new()
    {
        ["purpose"] = "jwt-signing-key",
        ["environment"] = environment,
        ["kid"] = kid,
    };
}
