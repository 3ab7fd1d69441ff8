using Confidant.Services.Configuration;

namespace Confidant.Tests.Services.Configuration;

/// <summary>The decrypted secrets of a bootstrap read as the original's YAML mapping (spec §7.4), and refused without a value.</summary>
public sealed class SecretsBootstrapTests
{
    [Theory]
    [InlineData("SESSION_SECRET: s3cret\nWEBHOOK_PASSWORD: 'hunter: 2'\n")]
    [InlineData("{\"SESSION_SECRET\": \"s3cret\", \"WEBHOOK_PASSWORD\": \"hunter: 2\"}")]
    public void ParseSecrets_YamlOrJsonMapping_NameToValue(string text)
    {
        var secrets = SecretsBootstrap.ParseSecrets(text);

        Assert.Equal([("SESSION_SECRET", "s3cret"), ("WEBHOOK_PASSWORD", "hunter: 2")], secrets.Select(p => (p.Key, p.Value)).Order());
    }

    [Theory]
    [InlineData("SESSION_SECRET: \"s3cret-unclosed\n", "the secrets are not valid YAML (line")]
    [InlineData("- s3cret-listed\n", "the secrets are not a mapping of setting names to values.")]
    [InlineData("SESSION_SECRET:\n  nested: s3cret-nested\n", "the secret SESSION_SECRET is not a single value.")]
    public void ParseSecrets_NotAMappingOfValues_RefusedWithoutTheValue(string text, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => SecretsBootstrap.ParseSecrets(text));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"data_key\": \"%%%\", \"secrets\": \"x\"}")]
    [InlineData("{\"secrets\": \"x\"}")]
    public void Fingerprint_NotABootstrap_Refused(string document) =>
        Assert.Throws<InvalidDataException>(() => SecretsBootstrap.Fingerprint(document));
}
