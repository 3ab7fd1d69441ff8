using System.Collections;
using Confidant.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Confidant.Tests.Services.Configuration;

/// <summary>
/// The original's settings as the secrets bootstrap supplies them (spec §7.4): its secrets win over the environment,
/// the encrypted CA settings come from it alone, and nothing else is read from it.
/// </summary>
public sealed class BootstrappedSettingsTests
{
    private const string Authorities = "eyJzdGFnaW5nIjogW119";

    private static IConfigurationRoot Load(IDictionary environment, Dictionary<string, string> bootstrap) =>
        new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(environment, bootstrap)).Build();

    [Fact]
    public void Load_SecretInTheBootstrapAndTheEnvironment_TheBootstrapWins()
    {
        var configuration = Load(
            new Hashtable { ["GOOGLE_OAUTH_CLIENT_ID"] = "env-client", ["GOOGLE_OAUTH_CONSUMER_SECRET"] = "env-secret" },
            new() { ["GOOGLE_OAUTH_CONSUMER_SECRET"] = "bootstrap-secret" });

        Assert.Equal(("Oidc", "env-client", "bootstrap-secret"), (configuration["Auth:Mode"], configuration["Auth:Oidc:ClientId"], configuration["Auth:Oidc:ClientSecret"]));
    }

    [Fact]
    public void Load_ClientIdOnlyInTheBootstrap_SelectsGoogleSignInAsTheEnvironmentWould()
    {
        var configuration = Load(new Hashtable(), new() { ["GOOGLE_OAUTH_CLIENT_ID"] = "bootstrap-client" });

        Assert.Equal(("Oidc", "https://accounts.google.com", "bootstrap-client"), (configuration["Auth:Mode"], configuration["Auth:Oidc:Authority"], configuration["Auth:Oidc:ClientId"]));
    }

    [Theory]
    [InlineData("JWT_CERTIFICATE_AUTHORITIES", "Jwt:CertificateAuthorities")]
    [InlineData("CUSTOM_CERTIFICATE_AUTHORITIES", "Certificates:Custom:Authorities")]
    public void Load_EncryptedAuthoritiesInTheBootstrap_Used(string setting, string key)
    {
        var configuration = Load(new Hashtable(), new() { [setting] = Authorities });

        Assert.Equal(Authorities, configuration[key]);
    }

    [Theory]
    [InlineData("JWT_CERTIFICATE_AUTHORITIES", "JWT_IS_CA_ENCRYPTED")]
    [InlineData("CUSTOM_CERTIFICATE_AUTHORITIES", "CUSTOM_CA_ENCRYPTED")]
    public void Load_EncryptedAuthoritiesInTheEnvironment_StopsTheStartNamingTheSwitch(string setting, string encrypted)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load(new Hashtable { [setting] = Authorities }, []));

        Assert.Equal(
            $"{setting} is set in the environment, but {encrypted} is true (its default), so it is read from SECRETS_BOOTSTRAP only: "
            + $"put it in the secrets bootstrap, or set {encrypted}=false.",
            error.Message);
        Assert.DoesNotContain(Authorities, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JWT_CERTIFICATE_AUTHORITIES", "JWT_IS_CA_ENCRYPTED", "Jwt:CertificateAuthorities")]
    [InlineData("CUSTOM_CERTIFICATE_AUTHORITIES", "CUSTOM_CA_ENCRYPTED", "Certificates:Custom:Authorities")]
    public void Load_NotEncrypted_TheEnvironmentAloneIsRead(string setting, string encrypted, string key)
    {
        var configuration = Load(new Hashtable { [encrypted] = "False", [setting] = Authorities }, new() { [setting] = "ZnJvbSB0aGUgYm9vdHN0cmFw" });

        Assert.Equal(Authorities, configuration[key]);
    }

    [Fact]
    public void Load_OtherNamesInTheBootstrap_NotRead()
    {
        var configuration = Load(new Hashtable(), new() { ["DYNAMODB_TABLE"] = "from-the-bootstrap", ["KMS_MASTER_KEY"] = "alias/other" });

        Assert.Empty(configuration.AsEnumerable());
    }
}
