using System.Runtime.Versioning;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Tests.Services.Kms;

[UnsupportedOSPlatform("windows")]
public sealed class LocalKeyServiceTests : KeyServiceContract, IDisposable
{
    private const string AtRest = "alias/confidant-at-rest";
    private const string Auth = "alias/authnz";
    private static readonly Dictionary<string, string> Context = new() { ["id"] = "abc" };
    private readonly TempDirectory _directory = new();

    private string RingPath => _directory.File("App_Data/confidant.keyring.json");

    public override Task InitializeAsync()
    {
        KeyService = Open(AtRest, Auth);
        PrimaryAlias = AtRest;
        SecondaryAlias = Auth;
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Constructor_NoRing_CreatesRingWithOwnerOnlyMode()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RingPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(RingPath)!, "*.tmp"));
    }

    [Fact]
    public async Task Constructor_ExistingRing_DecryptsEarlierCiphertextsAsync()
    {
        var encrypted = await KeyService.EncryptAsync(AtRest, new byte[] { 1, 2, 3 }, Context);
        var before = await File.ReadAllTextAsync(RingPath);

        var reopened = Open(AtRest);
        var decrypted = await reopened.DecryptAsync(encrypted.Ciphertext, Context);

        Assert.Equal(new byte[] { 1, 2, 3 }, decrypted.Plaintext);
        Assert.Equal(before, await File.ReadAllTextAsync(RingPath));
    }

    [Fact]
    public async Task Constructor_NewAliasConfigured_AddsKeyAndKeepsOldOnesAsync()
    {
        var old = await KeyService.EncryptAsync(AtRest, new byte[] { 1 }, Context);

        var extended = Open(AtRest, Auth, "alias/scoped");
        var added = await extended.EncryptAsync("alias/scoped", new byte[] { 2 }, Context);

        Assert.Equal(new byte[] { 1 }, (await extended.DecryptAsync(old.Ciphertext, Context)).Plaintext);
        Assert.Equal(new byte[] { 2 }, (await Open(AtRest).DecryptAsync(added.Ciphertext, Context)).Plaintext);
        Assert.NotEqual(old.KeyArn, added.KeyArn);
        Assert.StartsWith("arn:confidant:kms:local:key/", added.KeyArn, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_GroupReadableRing_RefusesWithChmodHint()
    {
        File.SetUnixFileMode(RingPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var error = Assert.Throws<InvalidOperationException>(() => Open(AtRest));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        Assert.Contains(RingPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_ConcurrentFirstStarts_EndWithOneRingAsync()
    {
        var path = _directory.File("race/ring.json");
        var starts = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => new LocalKeyService(path, [AtRest], TimeProvider.System, NullLogger<LocalKeyService>.Instance)))
            .ToList();
        var services = await Task.WhenAll(starts);

        var encrypted = await services[0].EncryptAsync(AtRest, new byte[] { 7 }, Context);
        foreach (var service in services)
        {
            Assert.Equal(new byte[] { 7 }, (await service.DecryptAsync(encrypted.Ciphertext, Context)).Plaintext);
        }

        Assert.Single(LocalKeyRing.Parse(await File.ReadAllTextAsync(path), path).Keys);
    }

    [Fact]
    public async Task EncryptAsync_KeyDisabledInRing_ThrowsKeyDisabledAsync()
    {
        var encrypted = await KeyService.EncryptAsync(AtRest, new byte[] { 1 }, Context);
        var json = await File.ReadAllTextAsync(RingPath);
        await File.WriteAllTextAsync(RingPath, json.Replace("\"enabled\": true", "\"enabled\": false", StringComparison.Ordinal));

        var reopened = Open(AtRest);
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => reopened.EncryptAsync(AtRest, new byte[] { 1 }, Context));
        var decryptError = await Assert.ThrowsAsync<KeyServiceException>(() => reopened.DecryptAsync(encrypted.Ciphertext, Context));

        Assert.Equal(KeyServiceError.KeyDisabled, error.Error);
        Assert.Equal(KeyServiceError.KeyDisabled, decryptError.Error);
        Assert.False((await reopened.DescribeKeyAsync(AtRest)).Enabled);
    }

    [Fact]
    public async Task Constructor_CorruptRing_RefusesWithoutQuotingFileAsync()
    {
        var json = await File.ReadAllTextAsync(RingPath);
        await File.WriteAllTextAsync(RingPath, json[..(json.Length / 2)]);

        var error = Assert.Throws<InvalidOperationException>(() => Open(AtRest));

        Assert.Contains(RingPath, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("material", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptAsync_CiphertextOfAnotherRing_ThrowsInvalidCiphertextAsync()
    {
        using var other = new TempDirectory();
        var foreign = new LocalKeyService(other.File("ring.json"), [AtRest], TimeProvider.System, NullLogger<LocalKeyService>.Instance);
        var encrypted = await foreign.EncryptAsync(AtRest, new byte[] { 1 }, Context);

        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.DecryptAsync(encrypted.Ciphertext, Context));

        Assert.Equal(KeyServiceError.InvalidCiphertext, error.Error);
    }

    [Fact]
    public void AssociatedData_ContextOrder_DoesNotMatterButBoundariesDo()
    {
        var ab = LocalKeyService.AssociatedData([], new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        var ba = LocalKeyService.AssociatedData([], new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        var merged = LocalKeyService.AssociatedData([], new Dictionary<string, string> { ["a"] = "1b2" });

        Assert.Equal(ab, ba);
        Assert.NotEqual(ab, merged);
    }

    private LocalKeyService Open(params string[] aliases) =>
        new(RingPath, aliases, TimeProvider.System, NullLogger<LocalKeyService>.Instance);
}
