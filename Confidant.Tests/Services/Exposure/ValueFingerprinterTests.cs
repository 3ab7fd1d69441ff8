using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Exposure;

/// <summary>
/// Keyed fingerprints of values (docs/decisions/0015): equal values, equal fingerprints, under any key and in any
/// credential; the documented message; any value size; on every key service backend.
/// </summary>
public abstract class ValueFingerprinterContract : IAsyncLifetime
{
    protected IKeyService Keys { get; set; } = null!;

    /// <summary>An HMAC key to fingerprint with.</summary>
    protected string MacAlias { get; set; } = string.Empty;

    /// <summary>A key that exists but cannot make MACs (an encryption key).</summary>
    protected string EncryptionAlias { get; set; } = string.Empty;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ComputeAsync_EqualValues_EqualFingerprintsUnderAnyKeyOtherValuesNot()
    {
        var first = await Fingerprinter().ComputeAsync(Pairs(("password", "hunter2"), ("user", "admin")));
        var second = await Fingerprinter().ComputeAsync(Pairs(("token", "hunter2"), ("port", 5432)));
        var third = await Fingerprinter().ComputeAsync(Pairs(("port", "5432")));

        Assert.Equal(first.Of("password"), second.Of("token"));
        Assert.NotEqual(first.Of("password"), first.Of("user"));
        Assert.Equal(second.Of("port"), third.Of("port"));
        Assert.Equal(first.KeyId, second.KeyId);
        // The id the key service names the key by, never the alias (which may move): an ARN on AWS KMS, moto's key id.
        var key = await Keys.DescribeKeyAsync(MacAlias);
        Assert.Contains(first.KeyId, new[] { key.Arn, key.KeyId });
        Assert.Equal(first.KeyId, await Fingerprinter().KeyIdAsync());
    }

    [Fact]
    public async Task ComputeAsync_Value_TheKeyServicesMacOfTheLabelAndTheValuesDigest()
    {
        var value = new string('v', 64 * 1024);

        var fingerprints = await Fingerprinter().ComputeAsync(Pairs(("big", value)));

        byte[] message = [.. "confidant-fingerprint/1\n"u8, .. SHA256.HashData(Encoding.UTF8.GetBytes(value))];
        Assert.True(await Keys.VerifyMacAsync(MacAlias, message, Convert.FromBase64String(fingerprints.Of("big")!)));
        Assert.DoesNotContain(value[..16], fingerprints.Of("big"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComputeAsync_NotAnHmacKey_UnavailableNamingTheKey()
    {
        var fingerprinter = new ValueFingerprinter(Keys, Options.Create(new ExposureOptions { FingerprintKeyId = EncryptionAlias }));

        var error = await Assert.ThrowsAsync<ConfidantException>(() => fingerprinter.ComputeAsync(Pairs(("k", "v"))));

        Assert.Equal(ConfidantErrorKind.Unavailable, error.Kind);
        Assert.StartsWith($"Values cannot be fingerprinted: the key service refused the fingerprint key {EncryptionAlias} (", error.Message, StringComparison.Ordinal);
    }

    private ValueFingerprinter Fingerprinter() => new(Keys, Options.Create(new ExposureOptions { FingerprintKeyId = MacAlias }));

    private static CredentialPairs Pairs(params (string Key, object Value)[] pairs) =>
        CredentialPairs.Create(pairs.Select(p => new KeyValuePair<string, JsonElement>(p.Key, JsonSerializer.SerializeToElement(p.Value))));
}

[UnsupportedOSPlatform("windows")]
public sealed class LocalValueFingerprinterTests : ValueFingerprinterContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    public override Task InitializeAsync()
    {
        Keys = new LocalKeyService(_directory.File("keyring.json"), ["alias/at-rest"], TimeProvider.System, NullLogger<LocalKeyService>.Instance);
        MacAlias = "alias/confidant-fingerprint";
        EncryptionAlias = "alias/at-rest";
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();
}

[Collection(MotoServerFixture.CollectionName)]
public sealed class AwsValueFingerprinterTests(MotoServerFixture moto) : ValueFingerprinterContract
{
    public override async Task InitializeAsync()
    {
        Keys = new AwsKmsKeyService(moto.Kms);
        MacAlias = new ExposureOptions().FingerprintKeyId;
        EncryptionAlias = (await moto.CreateKeyAsync("at-rest")).Alias;
    }
}

/// <summary>What stands for a blind credential's values: a digest of its ciphertexts, whatever shape they were stored in.</summary>
public sealed class BlindDigestTests
{
    [Fact]
    public void BlindDigest_RegionMap_SameForAnyRegionOrderOtherForOtherCiphertext()
    {
        var digest = ValueFingerprinter.BlindDigest(Blind("""{"us-east-1": "c2VhbGVk", "eu-west-1": "b3RoZXI="}"""));

        Assert.Equal(digest, ValueFingerprinter.BlindDigest(Blind("""{"eu-west-1":"b3RoZXI=","us-east-1":"c2VhbGVk"}""")));
        Assert.NotEqual(digest, ValueFingerprinter.BlindDigest(Blind("""{"us-east-1": "bmV3", "eu-west-1": "b3RoZXI="}""")));
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""["us-east-1", "c2VhbGVk"]""")]
    [InlineData("")]
    public void BlindDigest_NotARegionMap_DigestOfTheTextAsStored(string pairs)
    {
        var digest = ValueFingerprinter.BlindDigest(Blind(pairs));

        Assert.Equal(digest, ValueFingerprinter.BlindDigest(Blind(pairs)));
        Assert.NotEqual(digest, ValueFingerprinter.BlindDigest(Blind(pairs + " ")));
    }

    private static BlindCredentialItem Blind(string pairs) => new()
    {
        Id = "5b7a0c1e2d3f4a5b6c7d8e9f0a1b2c3d",
        DataType = DataType.BlindCredential,
        Revision = 1,
        Enabled = true,
        ModifiedDate = DateTimeOffset.UnixEpoch,
        ModifiedBy = "alice@example.com",
        Name = "db",
        CredentialPairs = pairs,
        DataKey = """{"us-east-1": "a2V5"}""",
        CipherType = "fernet",
        CipherVersion = 2,
    };
}
