using Confidant.Web.DataProtection;

namespace Confidant.Tests.Web.DataProtection;

public sealed class KeyRingOptionsValidatorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(86_401)]
    public void Validate_RefreshOutOfRange_FailsNamingTheKey(int seconds)
    {
        var result = new KeyRingOptionsValidator().Validate(null, new KeyRingOptions { KeyRingRefreshSeconds = seconds });

        Assert.True(result.Failed);
        Assert.Contains("DataProtection:KeyRingRefreshSeconds", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Default_Succeeds() =>
        Assert.True(new KeyRingOptionsValidator().Validate(null, new KeyRingOptions()).Succeeded);
}
