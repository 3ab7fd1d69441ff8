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
    [InlineData(null)]
    public void Validate_UnsupportedOrMissingMode_FailsNamingTheKey(string? mode)
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
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = "Development", Roles = new RoleMappingOptions { Default = value } });

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

    [Fact]
    public void Validate_NoMode_SaysWhatToChoose()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions());

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Auth:Mode is not set.", failure, StringComparison.Ordinal);
        Assert.Contains("'EntraId', 'Oidc' or 'Header'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Saml_SaysWhatToUseInstead()
    {
        var failure = Assert.Single(new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = "saml" }).Failures!);

        Assert.Contains("USER_AUTH_MODULE=saml", failure, StringComparison.Ordinal);
        Assert.Contains("Auth:Mode 'Oidc'", failure, StringComparison.Ordinal);
        Assert.Contains("'EntraId'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("organizations")]
    [InlineData("Consumers")]
    public void Validate_EntraIdMultiTenantAliasWithoutAllowedTenants_Refused(string tenant)
    {
        // Finding 7: TenantId=common let people of any tenant sign in.
        var result = new AuthOptionsValidator(AzureAd(tenant)).Validate(null, new AuthOptions { Mode = "EntraId" });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"AzureAd:TenantId '{tenant}'", failure, StringComparison.Ordinal);
        Assert.Contains("Auth:EntraId:AllowedTenants", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EntraIdMultiTenantWithAllowedTenants_Succeeds()
    {
        var options = new AuthOptions { Mode = "EntraId", EntraId = new EntraIdTenantOptions { AllowedTenants = [TestIdentityProvider.TenantId] } };

        Assert.True(new AuthOptionsValidator(AzureAd("organizations")).Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EntraIdAllowedTenantsListingAnAlias_Refused()
    {
        var options = new AuthOptions { Mode = "EntraId", EntraId = new EntraIdTenantOptions { AllowedTenants = ["common"] } };

        var failure = Assert.Single(new AuthOptionsValidator(AzureAd("organizations")).Validate(null, options).Failures!);
        Assert.Contains("Auth:EntraId:AllowedTenants must list tenant ids", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HeaderWithoutHeadersOrTrustedProxies_NamesEachKey()
    {
        var result = new AuthOptionsValidator(new ConfigurationBuilder().Build()).Validate(null, new AuthOptions { Mode = "Header" });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains("Auth:Header:UserNameHeader is required when Auth:Mode is Header.", result.Failures!);
        Assert.Contains("Auth:Header:EmailHeader is required when Auth:Mode is Header.", result.Failures!);
        Assert.Contains(result.Failures!, f => f.StartsWith("Network:TrustedProxies must list the authenticating proxy", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HeaderComplete_Succeeds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Network:TrustedProxies:0"] = "10.0.0.0/8" }).Build();
        var options = new AuthOptions { Mode = "Header", Header = new() { UserNameHeader = "X-User", EmailHeader = "X-Email" } };

        Assert.True(new AuthOptionsValidator(configuration).Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("@evil@example.com")]
    [InlineData(".example.com")]
    public void Validate_SuffixNotADomain_Refused(string suffix)
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = "Development", AllowedEmailSuffix = suffix });

        Assert.Contains("Auth:AllowedEmailSuffix", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UsersFileMissing_NamesTheKey()
    {
        var options = new AuthOptions { Mode = "Development", AllowedUsersFile = "/nonexistent/confidant-users.yaml" };

        Assert.StartsWith("Auth:AllowedUsersFile '/nonexistent/confidant-users.yaml' cannot be used", Assert.Single(new AuthOptionsValidator().Validate(null, options).Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(59, 43200, 300, "IdleTimeoutSeconds")]
    [InlineData(28800, 0, 300, "MaxLifetimeSeconds")]
    [InlineData(28800, 43200, 0, "RevalidateSeconds")]
    public void Validate_SessionTimesOutOfRange_NameTheKey(int idle, int max, int revalidate, string key)
    {
        var options = new AuthOptions
        {
            Mode = "Development",
            Session = new() { IdleTimeoutSeconds = idle, MaxLifetimeSeconds = max, RevalidateSeconds = revalidate },
        };

        Assert.StartsWith($"Auth:Session:{key} must be between", Assert.Single(new AuthOptionsValidator().Validate(null, options).Failures!), StringComparison.Ordinal);
    }

    private static IConfiguration AzureAd(string tenant) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = tenant,
        ["AzureAd:ClientId"] = "confidant",
    }).Build();
}
