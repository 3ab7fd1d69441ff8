using Confidant.Tests.Support;
using Confidant.Web.Auth;
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
    [InlineData("Oidc")]
    public void Validate_UnsupportedMode_FailsNamingTheKey(string mode)
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Mode = mode });

        Assert.True(result.Failed);
        Assert.Contains("Auth:Mode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AuthModeBogus_FailsNamingAuthModeAsync()
    {
        await using var app = ConfidantAppHost.Build(["--Auth:Mode=Bogus", "--urls=http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth:Mode 'Bogus' is not a known sign-in mode", error.Message, StringComparison.Ordinal);
    }
}
