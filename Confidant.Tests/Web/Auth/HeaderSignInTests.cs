using System.Net;
using System.Text.Json;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// Two apps in header sign-in on real sockets: one trusts 127.0.0.1 (where the test's requests come from, as from
/// the authenticating proxy), the other trusts only 10.9.9.9, so to it the same requests come from a stranger.
/// </summary>
public sealed class HeaderSignInFixture : IAsyncLifetime
{
    public ApiTestHost Trusting { get; private set; } = null!;

    public ApiTestHost Distrusting { get; private set; } = null!;

    public Uri TrustingAddress { get; private set; } = null!;

    public Uri DistrustingAddress { get; private set; } = null!;

    public string CredentialId { get; private set; } = string.Empty;

    public static Dictionary<string, string?> Settings(string trustedProxy) => new()
    {
        ["Auth:Mode"] = "Header",
        ["Auth:Header:UserNameHeader"] = "X-Auth-User",
        ["Auth:Header:EmailHeader"] = "X-Auth-Email",
        ["Auth:Header:FirstNameHeader"] = "X-Auth-First",
        ["Auth:Header:GroupsHeader"] = "X-Auth-Groups",
        ["Auth:Roles:Reader:0"] = "grp-readers",
        ["Auth:Roles:Editor:0"] = "grp-editors",

        // spec §2.5: the header module skips the allow-list; this one must not apply.
        ["Auth:AllowedEmailSuffix"] = "example.com",
        ["Network:TrustedProxies:0"] = trustedProxy,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public async Task InitializeAsync()
    {
        Trusting = ApiTestHost.Create(Settings("127.0.0.1"));
        TrustingAddress = KestrelAddress.Start(Trusting.Factory);
        Distrusting = ApiTestHost.Create(Settings("10.9.9.9"));
        DistrustingAddress = KestrelAddress.Start(Distrusting.Factory);
        CredentialId = (await Trusting.CreateCredentialAsync("payments-db", ("password", "s3cr3t-value"))).Item.Id;
    }

    public async Task DisposeAsync()
    {
        await Trusting.DisposeAsync();
        await Distrusting.DisposeAsync();
    }
}

/// <summary>spec §2.5 header module, behind an authenticating proxy named in Network:TrustedProxies.</summary>
public sealed class HeaderSignInTests(HeaderSignInFixture fixture) : IClassFixture<HeaderSignInFixture>
{
    [Fact]
    public async Task Request_FromTrustedProxy_PersonIsTheLowerCasedEmail()
    {
        using var client = Client(fixture.TrustingAddress, "alice", "Alice@Example.COM");

        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice@example.com", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Request_FromUntrustedPeer_HeadersIgnored()
    {
        using var client = Client(fixture.DistrustingAddress, "alice", "alice@example.com", "grp-editors");

        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("alice", null)]
    [InlineData(null, "alice@example.com")]
    [InlineData(null, null)]
    [InlineData("alice", "")]
    public async Task Request_HeaderMissing_Unauthorized(string? user, string? email)
    {
        // spec §2.5: the original crashed (500) without the headers; 401 is what a client can act on.
        using var client = Client(fixture.TrustingAddress, user, email);

        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"error\":\"Not authenticated.\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_EmailHeaderWithTwoAddresses_Unauthorized()
    {
        // A proxy that appends its header to the client's instead of replacing it must not let the client choose.
        using var client = Client(fixture.TrustingAddress, "alice", "mallory@example.com");
        client.DefaultRequestHeaders.Add("X-Auth-Email", "alice@example.com");

        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Request_OutsideTheAllowList_StillAdmitted()
    {
        using var client = Client(fixture.TrustingAddress, "mallory", "mallory@elsewhere.test");

        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("grp-editors", true)]
    [InlineData("grp-other, grp-editors", true)]
    [InlineData("grp-readers", false)]
    public async Task Roles_FromTheGroupsHeader_ThroughTheRoleMapping(string groups, bool revealed)
    {
        using var client = Client(fixture.TrustingAddress, "alice", "alice@example.com", groups);

        using var response = await client.GetAsync(new Uri($"/v1/credentials/{fixture.CredentialId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var credential = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(revealed, credential.GetProperty("credential_pairs").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Roles_NoGroupsAndNoDefault_NoAccess()
    {
        using var client = Client(fixture.TrustingAddress, "alice", "alice@example.com");

        using var response = await client.GetAsync(new Uri("/v1/credentials", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Write_WithoutXsrfToken_RefusedAndWithIt_Done()
    {
        // spec §2.5: CSRF still applies, since the proxy adds the headers to a cross-site request too.
        using var client = Client(fixture.TrustingAddress, "alice", "alice@example.com", "grp-editors", cookies: true);
        const string Body = "{\"name\": \"header-made\", \"credential_pairs\": {\"k\": \"v\"}, \"enabled\": true}";

        using var refused = await client.PostAsync(new Uri("/v1/credentials", UriKind.Relative), ApiTestHost.Json(Body));
        using var probe = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        var xsrf = probe.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal));
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", Uri.UnescapeDataString(xsrf["XSRF-TOKEN=".Length..]));
        using var done = await client.PostAsync(new Uri("/v1/credentials", UriKind.Relative), ApiTestHost.Json(Body));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("alice@example.com", JsonDocument.Parse(await done.Content.ReadAsStringAsync()).RootElement.GetProperty("modified_by").GetString());
    }

    [Fact]
    public async Task SignIn_NamedByTheProxy_ReturnsToThePage()
    {
        using var client = Client(fixture.TrustingAddress, "alice", "alice@example.com");

        using var response = await client.GetAsync(new Uri("/signin?returnUrl=%2Fhistory", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/history", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_NotNamedByTheProxy_ExplainsWith401()
    {
        using var client = Client(fixture.TrustingAddress, null, null);

        using var response = await client.GetAsync(new Uri("/signin?returnUrl=%2F", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("did not name you", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_NamedByTheProxy_Rendered()
    {
        using var client = Client(fixture.TrustingAddress, "alice", "alice@example.com", "grp-readers");

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("alice@example.com", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpClient Client(Uri app, string? user, string? email, string? groups = null, bool cookies = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies }) { BaseAddress = app };
        foreach (var (name, value) in (IEnumerable<(string, string?)>)[("X-Auth-User", user), ("X-Auth-Email", email), ("X-Auth-Groups", groups)])
        {
            if (value is not null)
            {
                client.DefaultRequestHeaders.Add(name, value);
            }
        }

        return client;
    }
}
