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
    private const string Mac = "alias/confidant-audit";
    private static readonly Dictionary<string, string> Context = new() { ["id"] = "abc" };
    private readonly TempDirectory _directory = new();

    private string RingPath => _directory.File("App_Data/confidant.keyring.json");

    public override Task InitializeAsync()
    {
        KeyService = Open(AtRest, Auth);
        PrimaryAlias = AtRest;
        SecondaryAlias = Auth;
        MacAlias = Mac;
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

    [Fact]
    public async Task GenerateMacAsync_NewAlias_AddsHmacKeyThatAnotherProcessFindsAsync()
    {
        var message = new byte[] { 4, 5, 6 };

        var mac = await KeyService.GenerateMacAsync(Mac, message);
        var reopened = Open(AtRest);

        Assert.Equal(mac.Mac, (await reopened.GenerateMacAsync(Mac, message)).Mac);
        Assert.True(await reopened.VerifyMacAsync(mac.KeyId, message, mac.Mac));
        var ring = LocalKeyRing.Parse(await File.ReadAllTextAsync(RingPath), RingPath);
        Assert.Equal(2, ring.Version);
        Assert.Equal(LocalKey.HmacKeySpec, Assert.Single(ring.Keys, k => k.Aliases.Contains(Mac)).KeySpec);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RingPath));
    }

    [Fact]
    public async Task VerifyMacAsync_AliasNeverUsed_ThrowsKeyNotFoundWithoutCreatingAKeyAsync()
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.VerifyMacAsync("alias/never-used", new byte[] { 1 }, new byte[32]));

        Assert.Equal(KeyServiceError.KeyNotFound, error.Error);
        Assert.DoesNotContain("alias/never-used", await File.ReadAllTextAsync(RingPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_Version1Ring_LoadsUnchangedAndGrowsAnHmacKeyAsync()
    {
        // A ring as Confidant wrote it before HMAC keys (docs/decisions/0004-local-key-ring.md).
        var path = _directory.File("v1/ring.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var v1 = """
            {
              "version": 1,
              "keys": [
                {
                  "keyId": "3f1c0d6e-5b1a-4c2e-9a55-0e7d2b8c4f10",
                  "arn": "arn:confidant:kms:local:key/3f1c0d6e-5b1a-4c2e-9a55-0e7d2b8c4f10",
                  "creationDate": "2026-01-01T00:00:00+00:00",
                  "enabled": true,
                  "aliases": ["alias/confidant-at-rest"],
                  "material": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
                }
              ]
            }
            """;
        await File.WriteAllTextAsync(path, v1);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var service = new LocalKeyService(path, [AtRest], TimeProvider.System, NullLogger<LocalKeyService>.Instance);
        var encrypted = await service.EncryptAsync(AtRest, new byte[] { 3 }, Context);
        var unchanged = await File.ReadAllTextAsync(path);
        await service.GenerateMacAsync(Mac, new byte[] { 1 });
        var grown = LocalKeyRing.Parse(await File.ReadAllTextAsync(path), path);

        Assert.Equal(v1, unchanged);
        Assert.Equal("arn:confidant:kms:local:key/3f1c0d6e-5b1a-4c2e-9a55-0e7d2b8c4f10", encrypted.KeyArn);
        Assert.Equal(2, grown.Version);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), grown.Keys.Single(k => k.Aliases.Contains(AtRest)).Material);
        Assert.Null(grown.Keys.Single(k => k.Aliases.Contains(AtRest)).KeySpec);
        Assert.Equal(new byte[] { 3 }, (await new LocalKeyService(path, [AtRest], TimeProvider.System, NullLogger<LocalKeyService>.Instance)
            .DecryptAsync(encrypted.Ciphertext, Context)).Plaintext);
    }

    // AWS KMS refuses it too (InvalidKeyUsageException); moto does not check, so this is not in the contract.
    [Fact]
    public async Task EncryptAsync_HmacKey_ThrowsInvalidRequestAsync()
    {
        await KeyService.GenerateMacAsync(Mac, new byte[] { 1 });

        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.EncryptAsync(Mac, new byte[] { 1, 2, 3 }, Context));

        Assert.Equal(KeyServiceError.InvalidRequest, error.Error);
    }

    [Fact]
    public async Task Rotate_MovesTheAliasToANewKey_WhatTheOldKeyEncryptedStillDecryptsAsync()
    {
        var before = await KeyService.EncryptAsync(AtRest, new byte[] { 1 }, Context);
        var ring = (ILocalKeyRing)KeyService;

        var rotated = ring.Rotate(AtRest);
        var after = await KeyService.EncryptAsync(AtRest, new byte[] { 2 }, Context);

        Assert.Equal(rotated.Arn, after.KeyArn);
        Assert.NotEqual(before.KeyArn, after.KeyArn);
        Assert.Equal(new byte[] { 1 }, (await KeyService.DecryptAsync(before.Ciphertext, Context)).Plaintext);
        var keys = ring.Keys();
        Assert.Equal([AtRest], Assert.Single(keys, k => k.Arn == rotated.Arn).Aliases);
        Assert.Empty(Assert.Single(keys, k => k.Arn == before.KeyArn).Aliases);
        Assert.Equal(rotated.Arn, (await Open(AtRest).DescribeKeyAsync(AtRest)).Arn);
    }

    [Fact]
    public async Task Rotate_ByAnotherProcess_ARunningServiceFollowsWithoutARestartAsync()
    {
        var running = KeyService;
        var before = await running.EncryptAsync(AtRest, new byte[] { 1 }, Context);

        var rotated = Open(AtRest).Rotate(AtRest);
        var underNewKey = await Open(AtRest).EncryptAsync(AtRest, new byte[] { 2 }, Context);

        // A ciphertext of a key it has not seen makes it read the ring at once; the alias follows within a second.
        Assert.Equal(new byte[] { 2 }, (await running.DecryptAsync(underNewKey.Ciphertext, Context)).Plaintext);
        await Eventually.HoldsAsync(async () => (await running.EncryptAsync(AtRest, new byte[] { 3 }, Context)).KeyArn == rotated.Arn, TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 1 }, (await running.DecryptAsync(before.Ciphertext, Context)).Plaintext);
    }

    [Fact]
    public async Task SetEnabled_OldKeyDisabledByAnotherProcess_RefusedEverywhereUntilEnabledAgainAsync()
    {
        var running = KeyService;
        var before = await running.EncryptAsync(AtRest, new byte[] { 1 }, Context);
        var admin = Open(AtRest);
        admin.Rotate(AtRest);

        var disabled = admin.SetEnabled(before.KeyArn, enabled: false);

        Assert.False(disabled.Enabled);
        await Eventually.HoldsAsync(async () => await DecryptErrorAsync(running, before.Ciphertext) == KeyServiceError.KeyDisabled, TimeSpan.FromSeconds(5));
        admin.SetEnabled(disabled.KeyId, enabled: true);
        await Eventually.HoldsAsync(async () => await DecryptErrorAsync(running, before.Ciphertext) is null, TimeSpan.FromSeconds(5));
    }

    private static async Task<KeyServiceError?> DecryptErrorAsync(IKeyService keys, byte[] ciphertext)
    {
        try
        {
            await keys.DecryptAsync(ciphertext, Context);
            return null;
        }
        catch (KeyServiceException error)
        {
            return error.Error;
        }
    }

    [Fact]
    public async Task SetEnabled_KeyAnAliasNames_RefusedSoWritesKeepWorkingAsync()
    {
        var ring = (ILocalKeyRing)KeyService;
        var current = ring.Keys().Single(k => k.Aliases.Contains(AtRest));

        var error = Assert.Throws<KeyServiceException>(() => ring.SetEnabled(current.KeyId, enabled: false));

        Assert.Equal(KeyServiceError.InvalidRequest, error.Error);
        Assert.Contains(AtRest, error.Message, StringComparison.Ordinal);
        Assert.Equal(current.Arn, (await KeyService.EncryptAsync(AtRest, new byte[] { 1 }, Context)).KeyArn);
    }

    [Fact]
    public async Task Rotate_HmacOrUnknownAlias_RefusedAndTheRingUnchangedAsync()
    {
        await KeyService.GenerateMacAsync(Mac, new byte[] { 1 });
        var ring = (ILocalKeyRing)KeyService;
        var before = await File.ReadAllTextAsync(RingPath);

        Assert.Equal(KeyServiceError.InvalidRequest, Assert.Throws<KeyServiceException>(() => ring.Rotate(Mac)).Error);
        Assert.Equal(KeyServiceError.KeyNotFound, Assert.Throws<KeyServiceException>(() => ring.Rotate("alias/nothing")).Error);
        Assert.Equal(KeyServiceError.KeyNotFound, Assert.Throws<KeyServiceException>(() => ring.SetEnabled("no-such-key", false)).Error);
        Assert.Equal(before, await File.ReadAllTextAsync(RingPath));
    }

    private LocalKeyService Open(params string[] aliases) =>
        new(RingPath, aliases, TimeProvider.System, NullLogger<LocalKeyService>.Instance);
}
