using System.Text;
using System.Text.Json;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

/// <summary><c>bootstrap generate</c> and <c>bootstrap decrypt</c> with the key service, in the original's format.</summary>
public sealed class BootstrapCommandTests
{
    [Fact]
    public async Task GenerateThenDecrypt_File_RoundTripsInTheOriginalsFormat()
    {
        await using var host = ApiTestHost.Create();
        var directory = host.Factory.DataDirectory;
        const string Secrets = "SESSION_SECRET: s3cret\nWEBHOOK_PASSWORD: hunter2\n";
        await File.WriteAllTextAsync(Path.Combine(directory, "secrets.yaml"), Secrets);

        var generate = await CommandBackend.RunAsync(host.Factory.Services, "bootstrap", "generate", "--in", Path.Combine(directory, "secrets.yaml"), "--out", Path.Combine(directory, "bootstrap.json"));
        var decrypt = await CommandBackend.RunAsync(host.Factory.Services, "bootstrap", "decrypt", "--in", Path.Combine(directory, "bootstrap.json"));

        Assert.True(generate.Exit == 0, generate.Error);
        Assert.DoesNotContain("s3cret", generate.Output, StringComparison.Ordinal);
        Assert.True(decrypt.Exit == 0, decrypt.Error);
        Assert.Equal(Secrets, decrypt.Output);

        // Spec §7.4: the data key is a Fernet key text under the context {"type": "bootstrap"}.
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "bootstrap.json")));
        var key = await host.Get<IKeyService>().DecryptAsync(
            Convert.FromBase64String(document.RootElement.GetProperty("data_key").GetString()!),
            new Dictionary<string, string> { ["type"] = "bootstrap" });
        Assert.Equal(Secrets, Encoding.UTF8.GetString(Fernet.Decrypt(Encoding.ASCII.GetString(key.Plaintext), document.RootElement.GetProperty("secrets").GetString()!)));
    }

    [Fact]
    public async Task Decrypt_NotABootstrap_Exit1WithoutAStackTrace()
    {
        await using var host = ApiTestHost.Create();
        var path = Path.Combine(host.Factory.DataDirectory, "bad.json");
        await File.WriteAllTextAsync(path, "{\"data_key\": \"%%%\", \"secrets\": \"x\"}");

        var (exit, _, error) = await CommandBackend.RunAsync(host.Factory.Services, "bootstrap", "decrypt", "--in", path);

        Assert.Equal(1, exit);
        Assert.StartsWith("bootstrap decrypt: ", error, StringComparison.Ordinal);
    }
}
