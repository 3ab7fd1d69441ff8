using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

public sealed class LoopbackAddressTests
{
    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("http://LOCALHOST:5000/")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://127.0.0.2:1")]
    [InlineData("http://[::1]:80")]
    [InlineData("https://localhost")]
    public void IsLoopback_LoopbackUrl_ReturnsTrue(string url) => Assert.True(LoopbackAddress.IsLoopback(url));

    [Theory]
    [InlineData("http://0.0.0.0:80")]
    [InlineData("http://*:80")]
    [InlineData("http://+:80")]
    [InlineData("http://[::]:80")]
    [InlineData("https://example.com")]
    [InlineData("http://10.0.0.5:80")]
    [InlineData("http://localhost.example.com:80")]
    [InlineData("http://128.0.0.1:80")]
    [InlineData("localhost:5000")]
    [InlineData("")]
    public void IsLoopback_NonLoopbackOrMalformedUrl_ReturnsFalse(string url) =>
        Assert.False(LoopbackAddress.IsLoopback(url));
}
