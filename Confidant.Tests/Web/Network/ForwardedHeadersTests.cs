using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.Audit;
using Confidant.Tests.Support;
using Confidant.Tests.Web.Auth;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Network;

/// <summary>
/// Finding 8: with no trusted proxies set up, either the cookie was not Secure behind a TLS proxy or any client's
/// X-Forwarded-For was believed and the audited address could be forged. Now only Network:TrustedProxies count.
/// </summary>
public sealed class ForwardedHeadersTests(HeaderSignInFixture fixture) : IClassFixture<HeaderSignInFixture>
{
    [Fact]
    public async Task ClientAddress_ForwardedByATrustedProxy_IsTheOneRecorded()
    {
        // The proxy appends the peer it saw; whatever the client wrote before it is not believed.
        var recorded = await RevealThroughAsync(fixture.Trusting, fixture.TrustingAddress, "198.51.100.66, 203.0.113.7");

        Assert.Equal("203.0.113.7", recorded);
    }

    [Fact]
    public async Task ClientAddress_ForwardedByAnUntrustedPeer_IsIgnored()
    {
        var recorded = await RevealThroughAsync(fixture.Distrusting, fixture.DistrustingAddress, "203.0.113.7");

        Assert.Equal("127.0.0.1", recorded);
    }

    [Theory]
    [InlineData("https", true)]
    [InlineData(null, false)]
    public async Task Cookies_BehindATlsProxy_AreSecure(string? forwardedProto, bool secure)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = fixture.TrustingAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/user/email", UriKind.Relative));
        request.Headers.Add("X-Auth-User", "alice");
        request.Headers.Add("X-Auth-Email", "alice@example.com");
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xsrf = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal));
        Assert.Equal(secure, xsrf.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ProviderSignIn_BehindATlsProxy_SessionCookieSecureAndClientAddressRecorded()
    {
        await using var host = await ExternalSignInHost.StartAsync(entraId: false, new Dictionary<string, string?> { ["Network:TrustedProxies:0"] = "127.0.0.1" });
        var front = new TlsTerminatingProxy(host.App, "203.0.113.9");
        var publicApp = new UriBuilder(host.App) { Scheme = Uri.UriSchemeHttps }.Uri;
        host.Provider.AllowRelyingParty(publicApp);
        using var browser = new OidcBrowser(front);

        var landed = await browser.SignInAsync(publicApp, TestIdentityProvider.Editor, "/v1/user/email");
        using var reveal = await browser.GetAsync(new Uri(publicApp, $"/v1/credentials/{host.Credential.Item.Id}"));

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        var sessionCookie = Assert.Single(front.SetCookies, c => c.StartsWith(AuthenticationExtensions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("; secure", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("203.0.113.9", await RevealAddressAsync(host.Api, host.Credential.Item.Id));
    }

    private static async Task<string?> RevealThroughAsync(ApiTestHost host, Uri address, string forwardedFor)
    {
        var credential = await host.CreateCredentialAsync($"forwarded-{Guid.NewGuid():N}", ("password", "s3cr3t-value"));
        var token = await host.TokenAsync("alice", "user");
        using var client = new HttpClient { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/credentials/{credential.Item.Id}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        request.Headers.Add("X-Forwarded-For", forwardedFor);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await RevealAddressAsync(host, credential.Item.Id);
    }

    private static async Task<string?> RevealAddressAsync(ApiTestHost host, string credentialId)
    {
        var page = await host.Get<IAuditStore>().QueryAsync(new AuditQuery(ResourceId: credentialId));
        return Assert.Single(page.Records, r => r.Entry.Action == AuditActions.Reveal).Entry.Origin.Address;
    }

    /// <summary>
    /// Terminates TLS for the app, as a load balancer does: requests for <c>https://</c> the app's host and port go on
    /// as plain http with X-Forwarded-Proto and X-Forwarded-For; the Set-Cookie headers coming back are kept.
    /// </summary>
    private sealed class TlsTerminatingProxy(Uri app, string clientAddress) : DelegatingHandler
    {
        public List<string> SetCookies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var forApp = uri.Scheme == Uri.UriSchemeHttps && uri.Host == app.Host && uri.Port == app.Port;
            if (forApp)
            {
                request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = app.Port }.Uri;
                request.Headers.Add("X-Forwarded-Proto", "https");
                request.Headers.Add("X-Forwarded-For", clientAddress);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (forApp && response.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                SetCookies.AddRange(cookies);
            }

            // The browser must go on seeing the public address.
            response.RequestMessage!.RequestUri = uri;
            return response;
        }
    }
}
