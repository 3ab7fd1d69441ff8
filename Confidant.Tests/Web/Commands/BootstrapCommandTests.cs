using System.Text;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Configuration;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// <c>bootstrap generate</c> and <c>bootstrap decrypt</c> with the key service, in the original's format, each an
/// admin act in the audit trail; a decryption is shown only once it is recorded.
/// </summary>
public sealed class BootstrapCommandTests : IAsyncLifetime
{
    private const string Secrets = "SESSION_SECRET: s3cret\nWEBHOOK_PASSWORD: hunter2\n";

    private FailingAuditAppends.Switch _audit = null!;
    private ApiTestHost _host = null!;

    private string Directory => _host.Factory.DataDirectory;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create(configureServices: services => _audit = FailingAuditAppends.DecorateSwitchable(services));
        await File.WriteAllTextAsync(Path.Combine(Directory, "secrets.yaml"), Secrets);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GenerateThenDecrypt_File_RoundTripsInTheOriginalsFormatAndBothAreRecorded()
    {
        var bootstrap = Path.Combine(Directory, "bootstrap.json");

        var generate = await RunAsync("bootstrap", "generate", "--in", Path.Combine(Directory, "secrets.yaml"), "--out", bootstrap);
        var decrypt = await RunAsync("bootstrap", "decrypt", "--in", bootstrap);

        Assert.True(generate.Exit == 0, generate.Error);
        Assert.DoesNotContain("s3cret", generate.Output, StringComparison.Ordinal);
        Assert.True(decrypt.Exit == 0, decrypt.Error);
        Assert.Equal(Secrets, decrypt.Output);

        // Spec §7.4: the data key is a Fernet key text under the context {"type": "bootstrap"}.
        var document = await File.ReadAllTextAsync(bootstrap);
        using var json = JsonDocument.Parse(document);
        var key = await _host.Get<IKeyService>().DecryptAsync(
            Convert.FromBase64String(json.RootElement.GetProperty("data_key").GetString()!),
            new Dictionary<string, string> { ["type"] = "bootstrap" });
        Assert.Equal(Secrets, Encoding.UTF8.GetString(Fernet.Decrypt(Encoding.ASCII.GetString(key.Plaintext), json.RootElement.GetProperty("secrets").GetString()!)));

        var generated = Assert.Single(await CommandBackend.CommandEntriesAsync(_host, "bootstrap generate"));
        var decrypted = Assert.Single(await CommandBackend.CommandEntriesAsync(_host, "bootstrap decrypt"));
        var fingerprint = SecretsBootstrap.Fingerprint(document);
        Assert.Equal(
            (AuditActions.Admin, AuditOutcomes.Succeeded, SecretsBootstrap.AuditResource, fingerprint, $"bootstrap generate: 2 settings, to {bootstrap}"),
            (generated.Action, generated.Outcome, generated.ResourceType, generated.ResourceId, generated.Detail));
        Assert.Equal(
            (AuditActions.Admin, AuditOutcomes.Delivered, SecretsBootstrap.AuditResource, fingerprint, $"bootstrap decrypt: from {bootstrap}"),
            (decrypted.Action, decrypted.Outcome, decrypted.ResourceType, decrypted.ResourceId, decrypted.Detail));
        Assert.All([generated, decrypted], e => Assert.Equal(
            (Environment.UserName, AuditAuthMethods.Command, Environment.MachineName),
            (e.Actor.Name, e.Actor.AuthMethod, e.Origin.Address)));
    }

    [Fact]
    public async Task Decrypt_AuditTrailUnavailable_Exit1AndNothingShown()
    {
        var bootstrap = Path.Combine(Directory, "bootstrap.json");
        Assert.Equal(0, (await RunAsync("bootstrap", "generate", "--in", Path.Combine(Directory, "secrets.yaml"), "--out", bootstrap)).Exit);
        _audit.Failing = true;

        var (exit, output, error) = await RunAsync("bootstrap", "decrypt", "--in", bootstrap);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal($"bootstrap decrypt: {AuditUnavailableException.DefaultMessage}", error.TrimEnd());
    }

    [Fact]
    public async Task Decrypt_NotABootstrap_Exit1WithoutAStackTraceOrARecord()
    {
        var path = Path.Combine(Directory, "bad.json");
        await File.WriteAllTextAsync(path, "{\"data_key\": \"%%%\", \"secrets\": \"x\"}");

        var (exit, _, error) = await RunAsync("bootstrap", "decrypt", "--in", path);

        Assert.Equal(1, exit);
        Assert.Equal("bootstrap decrypt: the bootstrap is not a JSON object with a base64 data_key and secrets.", error.TrimEnd());
        Assert.Empty(await CommandBackend.CommandEntriesAsync(_host, "bootstrap decrypt"));
    }

    [Fact]
    public async Task Decrypt_UnderAnotherKey_Exit1AndTheFailureRecorded()
    {
        // A bootstrap whose data key no key of this ring opens: written by another installation.
        await using var other = ApiTestHost.Create();
        var document = await SecretsBootstrap.GenerateAsync(other.Get<IKeyService>(), "alias/confidant-at-rest", Secrets, TimeProvider.System);
        var path = Path.Combine(Directory, "foreign.json");
        await File.WriteAllTextAsync(path, document);

        var (exit, output, error) = await RunAsync("bootstrap", "decrypt", "--in", path);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("bootstrap decrypt: ", error, StringComparison.Ordinal);
        var failed = Assert.Single(await CommandBackend.CommandEntriesAsync(_host, "bootstrap decrypt"));
        Assert.Equal((AuditOutcomes.Failed, SecretsBootstrap.Fingerprint(document)), (failed.Outcome, failed.ResourceId));
    }

    [Fact]
    public async Task Generate_NotAMapping_Exit1AndNothingWritten()
    {
        var input = Path.Combine(Directory, "list.yaml");
        await File.WriteAllTextAsync(input, "- s3cret\n");
        var bootstrap = Path.Combine(Directory, "never.json");

        var (exit, _, error) = await RunAsync("bootstrap", "generate", "--in", input, "--out", bootstrap);

        Assert.Equal(1, exit);
        Assert.Equal("bootstrap generate: the secrets are not a mapping of setting names to values.", error.TrimEnd());
        Assert.False(File.Exists(bootstrap));
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CommandBackend.RunAsync(_host.Factory.Services, args);
}
