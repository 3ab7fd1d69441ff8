using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Web.Auth;

public sealed class AuthOptionsValidatorTests
{
    [Theory]
    [InlineData("Development")]
    [InlineData("development")]
    public void Validate_DevelopmentMode_Succeeds(string mode) =>
        Assert.True(new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = mode }).Succeeded);

    [Theory]
    [InlineData("Bogus")]
    [InlineData("")]
    public void Validate_UnsupportedMode_FailsNamingTheKey(string mode)
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = mode });

        Assert.True(result.Failed);
        Assert.Contains("Auth:Mode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OidcWithoutAuthorityOrClientId_NamesBothKeys()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = "Oidc" });

        Assert.Contains("Auth:Oidc:Authority is required when Auth:Mode is Oidc.", result.Failures!);
        Assert.Contains("Auth:Oidc:ClientId is required when Auth:Mode is Oidc.", result.Failures!);
    }

    [Theory]
    [InlineData("http://idp.example", true, false)]
    [InlineData("http://127.0.0.1:8080", false, true)]
    [InlineData("https://idp.example", true, true)]
    [InlineData("idp.example", true, false)]
    public void Validate_OidcAuthority_HttpsUnlessRelaxed(string authority, bool requireHttps, bool succeeds)
    {
        var options = new AuthOptions
        {
            Mode = "Oidc",
            Oidc = new OidcProviderOptions { Authority = authority, ClientId = "confidant", RequireHttpsMetadata = requireHttps },
        };

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.Equal(succeeds, result.Succeeded);
        if (!succeeds)
        {
            Assert.Contains("Auth:Oidc:Authority", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_EntraIdWithoutAzureAdSettings_NamesTheKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        }).Build();

        var result = new AuthOptionsValidator(configuration).Validate(null, new AuthOptions { Mode = "EntraId" });

        Assert.Equal(
            ["AzureAd:TenantId is required when Auth:Mode is EntraId.", "AzureAd:ClientId is required when Auth:Mode is EntraId."],
            result.Failures!);
    }

    [Theory]
    [InlineData("owner", false)]
    [InlineData("Editor", true)]
    [InlineData("", true)]
    public void Validate_RolesDefault_MustBeARole(string value, bool succeeds)
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Roles = new RoleMappingOptions { Default = value } });

        Assert.Equal(succeeds, result.Succeeded);
        if (!succeeds)
        {
            Assert.Contains("Auth:Roles:Default", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_OidcWithoutAuthority_FailsNamingTheKey()
    {
        await using var app = ConfidantAppHost.Build(["--Auth:Mode=Oidc", "--Auth:Oidc:ClientId=confidant", "--urls=http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth:Oidc:Authority is required when Auth:Mode is Oidc.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AuthModeBogus_FailsNamingAuthModeAsync()
    {
        await using var app = ConfidantAppHost.Build(["--Auth:Mode=Bogus", "--urls=http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth:Mode 'Bogus' is not a known sign-in mode", error.Message, StringComparison.Ordinal);
    }
}
