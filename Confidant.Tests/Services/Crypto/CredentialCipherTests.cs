using System.Text;
using Amazon.KeyManagementService.Model;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Crypto;

[Collection(MotoServerFixture.CollectionName)]
public sealed class CredentialCipherTests(MotoServerFixture moto) : IDisposable
{
    private const string MasterAlias = "alias/confidant-at-rest";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private LocalKeyService? _local;

    private LocalKeyService Local => _local ??=
        new LocalKeyService(_directory.File("ring.json"), [MasterAlias], TimeProvider.System, NullLogger<LocalKeyService>.Instance);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EncryptAsync_LocalKeyService_RoundTripsPairsAndWritesVersion2Async()
    {
        var pairs = Pairs(("api_key", "1234"), ("api_user", "example_user"));
        var encrypted = await Cipher(Local).EncryptAsync("7f3c2a1b9d8e4f60a1b2c3d4e5f60718", pairs);

        var decrypted = await Cipher(Local).DecryptAsync(Item("7f3c2a1b9d8e4f60a1b2c3d4e5f60718", encrypted));

        Assert.Equal(2, encrypted.CipherVersion);
        Assert.Equal(pairs, decrypted);
        Assert.Equal(["api_key", "api_user"], decrypted.Keys);
        Assert.DoesNotContain("1234", encrypted.CredentialPairs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptAsync_MotoKms_RoundTripsAndDataKeyHoldsFernetKeyTextAsync()
    {
        // spec §7.1 / §12.3: KMS wraps the 44 ASCII bytes of the Fernet key text under {"id": <id>}.
        var (alias, _) = await moto.CreateKeyAsync("at-rest");
        var kms = new AwsKmsKeyService(moto.Kms);
        var pairs = Pairs(("password", "hunter2"));

        var encrypted = await Cipher(kms, alias).EncryptAsync("abc123", pairs);
        var decrypted = await Cipher(kms, alias).DecryptAsync(Item("abc123", encrypted));
        var keyText = await moto.Kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(Convert.FromBase64String(encrypted.DataKey)),
            EncryptionContext = new Dictionary<string, string> { ["id"] = "abc123" },
        });

        Assert.Equal(pairs, decrypted);
        Assert.Equal(44, keyText.Plaintext.Length);
        Assert.Equal(
            "{\"password\": \"hunter2\"}",
            Encoding.UTF8.GetString(Fernet.Decrypt(Encoding.ASCII.GetString(keyText.Plaintext.ToArray()), encrypted.CredentialPairs)));
    }

    [Fact]
    public async Task DecryptAsync_CredentialWrittenAsPythonServerDoes_ReturnsPairsAsync()
    {
        // spec §7.1 steps 1-2 done by hand with the raw KMS API, as the Python server does it.
        var (alias, _) = await moto.CreateKeyAsync("python");
        var random = await moto.Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 });
        var keyText = Fernet.GenerateKeyText(random.Plaintext.ToArray());
        var wrapped = await moto.Kms.EncryptAsync(new EncryptRequest
        {
            KeyId = alias,
            Plaintext = new MemoryStream(Encoding.ASCII.GetBytes(keyText)),
            EncryptionContext = new Dictionary<string, string> { ["id"] = "py0001" },
        });
        var token = Fernet.Encrypt(
            keyText,
            Encoding.UTF8.GetBytes("{\"api_key\": \"1234\", \"api_user\": \"example_user\"}"),
            DateTimeOffset.FromUnixTimeSeconds(1577934245),
            Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        var item = Item("py0001", new EncryptedPairs(token, Convert.ToBase64String(wrapped.CiphertextBlob.ToArray()), 2));

        var pairs = await Cipher(new AwsKmsKeyService(moto.Kms), alias).DecryptAsync(item);

        Assert.Equal(Pairs(("api_key", "1234"), ("api_user", "example_user")), pairs);
    }

    [Fact]
    public async Task DecryptAsync_RevisionItem_UsesBaseIdContextAsync()
    {
        var encrypted = await Cipher(Local).EncryptAsync("abc123", Pairs(("k", "v")));
        var revision = Item("abc123-3", encrypted) with { DataType = DataType.ArchiveCredential, Revision = 3 };

        var pairs = await Cipher(Local).DecryptAsync(revision);

        Assert.Equal(Pairs(("k", "v")), pairs);
    }

    [Fact]
    public async Task DecryptAsync_DataKeyOfAnotherCredential_ThrowsCredentialCipherExceptionAsync()
    {
        // The same cipher encrypted it, so the key is cached: the cache must not serve it for another id either.
        var cipher = Cipher(Local);
        var encrypted = await cipher.EncryptAsync("aaa111", Pairs(("k", "secret-value")));

        var error = await Assert.ThrowsAsync<CredentialCipherException>(() => cipher.DecryptAsync(Item("bbb222", encrypted)));

        Assert.Equal("bbb222", error.CredentialId);
        Assert.Contains("bbb222", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(encrypted.DataKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptAsync_CorruptToken_ThrowsCredentialCipherExceptionAsync()
    {
        var encrypted = await Cipher(Local).EncryptAsync("abc123", Pairs(("k", "v")));
        var corrupt = encrypted with { CredentialPairs = encrypted.CredentialPairs[..^8] + "AAAAAAA=" };

        await Assert.ThrowsAsync<CredentialCipherException>(() => Cipher(Local).DecryptAsync(Item("abc123", corrupt)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task DecryptAsync_UnsupportedCipherVersion_ThrowsCredentialCipherExceptionAsync(int version)
    {
        var encrypted = await Cipher(Local).EncryptAsync("abc123", Pairs(("k", "v")));

        var error = await Assert.ThrowsAsync<CredentialCipherException>(
            () => Cipher(Local).DecryptAsync(Item("abc123", encrypted) with { CipherVersion = version }));

        Assert.Contains($"cipher version {version}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptAsync_WarmCache_DoesNotCallKmsAgainAsync()
    {
        var encrypted = await Cipher(Local).EncryptAsync("abc123", Pairs(("k", "v")));
        var counting = new CountingKeyService(Local);
        var cipher = Cipher(counting);

        await cipher.DecryptAsync(Item("abc123", encrypted));
        var second = await cipher.DecryptAsync(Item("abc123", encrypted));

        Assert.Equal(1, counting.Decrypts);
        Assert.Equal(Pairs(("k", "v")), second);
    }

    [Fact]
    public async Task DecryptAsync_MoreKeysThanCacheSize_EvictsLeastRecentlyUsedAsync()
    {
        var writer = Cipher(Local);
        var items = new List<CredentialItem>();
        foreach (var id in new[] { "aaa", "bbb", "ccc" })
        {
            items.Add(Item(id, await writer.EncryptAsync(id, Pairs(("k", id)))));
        }

        var counting = new CountingKeyService(Local);
        var cipher = Cipher(counting, cacheSize: 2);
        foreach (var item in items)
        {
            await cipher.DecryptAsync(item);
        }

        await cipher.DecryptAsync(items[2]);
        Assert.Equal(3, counting.Decrypts);
        await cipher.DecryptAsync(items[0]);
        Assert.Equal(4, counting.Decrypts);
    }

    [Fact]
    public async Task DecryptAsync_AfterTtl_CallsKmsAgainAsync()
    {
        var encrypted = await Cipher(Local).EncryptAsync("abc123", Pairs(("k", "v")));
        var counting = new CountingKeyService(Local);
        var cipher = Cipher(counting, cacheSeconds: 60);

        await cipher.DecryptAsync(Item("abc123", encrypted));
        _time.Advance(TimeSpan.FromSeconds(59));
        await cipher.DecryptAsync(Item("abc123", encrypted));
        Assert.Equal(1, counting.Decrypts);

        _time.Advance(TimeSpan.FromSeconds(1));
        await cipher.DecryptAsync(Item("abc123", encrypted));
        Assert.Equal(2, counting.Decrypts);
    }

    private CredentialCipher Cipher(IKeyService keyService, string masterKeyId = MasterAlias, int cacheSize = 16, int cacheSeconds = 300)
    {
        var options = Options.Create(new KmsOptions
        {
            MasterKeyId = masterKeyId,
            DataKeyCacheSize = cacheSize,
            DataKeyCacheSeconds = cacheSeconds,
        });
        return new CredentialCipher(keyService, new DataKeyCache(options, _time), options, _time);
    }

    private static CredentialPairs Pairs(params (string Key, string Value)[] pairs) =>
        CredentialPairs.FromStrings(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    private static CredentialItem Item(string id, EncryptedPairs encrypted) => new()
    {
        Id = id,
        DataType = DataType.Credential,
        Revision = 1,
        Enabled = true,
        ModifiedDate = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        ModifiedBy = "tester@example.com",
        Name = "test",
        CredentialPairs = encrypted.CredentialPairs,
        DataKey = encrypted.DataKey,
        CipherVersion = encrypted.CipherVersion,
    };
}
