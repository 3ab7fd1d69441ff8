using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/credentials")]
    [InlineData("/credentials/abc?tab=history#top")]
    public void LocalOrDefault_LocalPath_ReturnsIt(string url) => Assert.Equal(url, ReturnUrl.LocalOrDefault(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("http:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData("~/x")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\r\n/evil.example")]
    public void LocalOrDefault_NonLocalUrl_ReturnsRoot(string? url) => Assert.Equal("/", ReturnUrl.LocalOrDefault(url));
}
