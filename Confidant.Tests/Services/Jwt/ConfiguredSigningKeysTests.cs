using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Confidant.Services.Jwt;

namespace Confidant.Tests.Services.Jwt;

/// <summary>JWT_CERTIFICATE_AUTHORITIES / JWT_ACTIVE_SIGNING_KEYS read as the original read them (spec §9.12).</summary>
public sealed class ConfiguredSigningKeysTests
{
    private static readonly RSA Staging1 = RSA.Create(2048);
    private static readonly RSA Staging2 = RSA.Create(2048);

    [Fact]
    public void Load_OriginalsFormat_EveryKeyPublishedTheActiveOneSigns()
    {
        var keys = ConfiguredSigningKeys.Load(Options(
            Base64(new JsonObject { ["staging"] = new JsonArray(Entry("k1", Staging1.ExportPkcs8PrivateKeyPem()), Entry("k2", Staging2.ExportRSAPrivateKeyPem())) }),
            ("staging", "k2")));

        var staging = keys.Environments["staging"];
        Assert.Equal(["k1", "k2"], staging.Published.Select(k => k.Kid));
        Assert.Equal("k2", staging.Active?.Kid);
        Assert.NotNull(staging.Active?.Signer);
        Assert.Null(staging.Published[0].Signer);
        Assert.Equal(Staging1.ExportParameters(false).Modulus, staging.Published[0].PublicKey.Modulus);
        Assert.Empty(keys.Skipped);
    }

    [Fact]
    public void Load_ActiveKidNotConfigured_PublishedButNothingSigns()
    {
        var keys = ConfiguredSigningKeys.Load(Options(
            Base64(new JsonObject { ["staging"] = new JsonArray(Entry("k1", Staging1.ExportPkcs8PrivateKeyPem())) }),
            ("staging", "k9")));

        Assert.Null(keys.Environments["staging"].Active);
        Assert.Single(keys.Environments["staging"].Published);
    }

    [Fact]
    public void Load_EntriesOutsideTheSchema_SkippedAndReportedTheOthersKept()
    {
        var valid = Entry("good", Staging1.ExportPkcs8PrivateKeyPem());
        var noPassphrase = Entry("a", Staging2.ExportPkcs8PrivateKeyPem());
        noPassphrase.Remove("passphrase");
        var numericCrt = Entry("b", Staging2.ExportPkcs8PrivateKeyPem());
        numericCrt["crt"] = 1;
        var extraField = Entry("c", Staging2.ExportPkcs8PrivateKeyPem());
        extraField["name"] = "staging";

        var keys = ConfiguredSigningKeys.Load(Options(
            new JsonObject { ["staging"] = new JsonArray(noPassphrase, numericCrt, extraField, "text", valid) }.ToJsonString()));

        Assert.Equal(["good"], keys.Environments["staging"].Published.Select(k => k.Kid));
        Assert.Equal(
            ["staging[0]: missing 'passphrase'", "staging[1]: 'crt' must be a string", "staging[2]: unknown field 'name'", "staging[3]: not an object"],
            keys.Skipped);
    }

    [Fact]
    public void Load_SameKidTwice_TheFirstWins()
    {
        var keys = ConfiguredSigningKeys.Load(Options(new JsonObject
        {
            ["staging"] = new JsonArray(Entry("k1", Staging1.ExportPkcs8PrivateKeyPem()), Entry("k1", Staging2.ExportPkcs8PrivateKeyPem())),
        }.ToJsonString()));

        Assert.Equal(Staging1.ExportParameters(false).Modulus, Assert.Single(keys.Environments["staging"].Published).PublicKey.Modulus);
    }

    public static TheoryData<string, string?, string> EncryptedForms => new()
    {
        { LegacyPemFixtures.Aes256, LegacyPemFixtures.Passphrase, LegacyPemFixtures.Aes256Modulus },
        { LegacyPemFixtures.Des3, LegacyPemFixtures.Passphrase, LegacyPemFixtures.Des3Modulus },
        {
            Staging1.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)),
            "pw",
            Convert.ToHexString(Staging1.ExportParameters(false).Modulus!)
        },
    };

    [Theory]
    [MemberData(nameof(EncryptedForms))]
    public void Load_PassphraseProtectedKey_ReadInEveryFormTheOriginalRead(string pem, string? passphrase, string modulus)
    {
        var entry = Entry("k1", pem);
        entry["passphrase"] = passphrase;

        var keys = ConfiguredSigningKeys.Load(Options(Base64(new JsonObject { ["production"] = new JsonArray(entry) }), ("production", "k1")));

        Assert.Equal(modulus, Convert.ToHexString(keys.Environments["production"].Active!.PublicKey.Modulus!));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(null)]
    public void Load_WrongOrMissingPassphrase_StopsTheStartNamingEnvironmentAndKidNotTheKey(string? passphrase)
    {
        var entry = Entry("k1", LegacyPemFixtures.Aes256);
        entry["passphrase"] = passphrase;

        var error = Assert.Throws<InvalidOperationException>(() =>
            ConfiguredSigningKeys.Load(Options(Base64(new JsonObject { ["production"] = new JsonArray(entry) }))));

        Assert.Contains("'k1' of environment 'production'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LegacyPemFixtures.Passphrase, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("WyJhIl0=")] // base64 of ["a"]
    [InlineData("{\"staging\": \"not a list\"}")]
    public void Load_MalformedSetting_StopsTheStartWithoutEchoingIt(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConfiguredSigningKeys.Load(Options(value)));

        Assert.StartsWith("Jwt:CertificateAuthorities (JWT_CERTIFICATE_AUTHORITIES)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_EnvironmentBothConfiguredAndGenerated_Named()
    {
        var options = Options(Base64(new JsonObject { ["development"] = new JsonArray(Entry("k1", Staging1.ExportPkcs8PrivateKeyPem())) }));
        options.Environments.Add("development");

        Assert.Equal(
            ["Jwt:Environments names 'development', whose keys Jwt:CertificateAuthorities configures: remove it there, or set Jwt:GenerateKeys=false."],
            ConfiguredSigningKeys.Problems(options));
        options.GenerateKeys = false;
        Assert.Empty(ConfiguredSigningKeys.Problems(options));
    }

    private static JwtOptions Options(string authorities, params (string Environment, string Kid)[] active)
    {
        var options = new JwtOptions { CertificateAuthorities = authorities };
        foreach (var (environment, kid) in active)
        {
            options.ActiveSigningKeys[environment] = kid;
        }

        return options;
    }

    private static JsonObject Entry(string kid, string pem) => new()
    {
        ["crt"] = "-----BEGIN CERTIFICATE-----\n(not read)\n-----END CERTIFICATE-----\n",
        ["key"] = pem,
        ["passphrase"] = null,
        ["kid"] = kid,
    };

    private static string Base64(JsonObject json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
