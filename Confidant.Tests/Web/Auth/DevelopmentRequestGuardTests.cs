using System.Net;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Http;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// Finding 2: development sign-in behind a loopback sidecar proxy, or reached by a DNS-rebinding page, signed anyone
/// in as admin. Every request must now be direct and local.
/// </summary>
public sealed class DevelopmentRequestGuardTests(DevelopmentAppFixture app) : IClassFixture<DevelopmentAppFixture>
{
    private readonly ConfidantWebFactory _factory = app.Factory;

    [Theory]
    [InlineData("GET", "/signin")]
    [InlineData("POST", "/signin")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/v1/user/email")]
    public async Task Request_NonLoopbackHost_RefusedWithReason(string method, string path)
    {
        // A DNS-rebinding page talks to 127.0.0.1 under its own host name.
        using var client = SignInClient.Create(_factory);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Host = "rebind.attacker.example";

        using var response = await client.SendAsync(request);

        await AssertRefusedAsync(response);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Forwarded-Host", "confidant.example")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("Via", "1.1 envoy")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    public async Task SignIn_ThroughAProxy_RefusedAndNoSession(string header, string value)
    {
        // A sidecar (Envoy, nginx, oauth2-proxy) connects from loopback but says whom it forwards.
        using var client = SignInClient.Create(_factory);
        var token = await SignInClient.GetAntiforgeryTokenAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/signin", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["name"] = "mallory" }),
        };
        request.Headers.Add(header, value);

        using var response = await client.SendAsync(request);

        await AssertRefusedAsync(response);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.Any(c => c.StartsWith(AuthenticationExtensions.CookieName, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("[::1]:5000")]
    public async Task SignIn_DirectLocalRequest_Served(string host)
    {
        using var client = SignInClient.Create(_factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/signin", UriKind.Relative));
        request.Headers.Host = host;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.0.10", false)]
    public void IsDirectLocalRequest_RemoteAddress_OnlyLoopback(string address, bool local)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("localhost");

        Assert.Equal(local, DevelopmentRequestGuard.IsDirectLocalRequest(context.Request, IPAddress.Parse(address)));
    }

    [Fact]
    public void IsDirectLocalRequest_NoRemoteAddress_Refused()
    {
        // Not a TCP connection (a Unix socket, for one): a proxy may be behind it.
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("localhost");

        Assert.False(DevelopmentRequestGuard.IsDirectLocalRequest(context.Request, remote: null));
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Development sign-in only answers requests made directly on this machine", body, StringComparison.Ordinal);
        Assert.Contains("Auth:Mode", body, StringComparison.Ordinal);
    }
}

/// <summary>One app on the development sign-in for a whole test class; each test keeps its own cookies.</summary>
public sealed class DevelopmentAppFixture : IDisposable
{
    public ConfidantWebFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
