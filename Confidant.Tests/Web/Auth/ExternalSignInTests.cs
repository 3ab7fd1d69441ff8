using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Web.Auth;

/// <summary>One provider and one app for all tests of a class; each test signs in with a browser of its own.</summary>
public abstract class ExternalSignInFixture(bool entraId) : IAsyncLifetime
{
    private ExternalSignInHost? _host;

    public ExternalSignInHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _host = await ExternalSignInHost.StartAsync(entraId);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

public sealed class OidcSignInFixture() : ExternalSignInFixture(entraId: false);

public sealed class EntraIdSignInFixture() : ExternalSignInFixture(entraId: true);

/// <summary>The full authorization code flow over HTTP, written once and run against each sign-in mode.</summary>
public abstract class ExternalSignInTests(ExternalSignInFixture fixture)
{
    private ExternalSignInHost Host => fixture.Host;

    private Uri App => Host.App;

    [Fact]
    public async Task SignIn_Editor_CookieCarriesEditorRoleAndValuesAreRevealed()
    {
        using var browser = new OidcBrowser();

        var landed = await browser.SignInAsync(App, TestIdentityProvider.Editor, "/v1/user/email");

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal("/v1/user/email", landed.RequestMessage!.RequestUri!.AbsolutePath);
        var caller = CookiePrincipal(browser).ToConfidantPrincipal();
        Assert.Equal("editor@example.com", caller.Name);
        Assert.Equal([ConfidantRoles.Editor], caller.Roles!);

        var credential = await GetJsonAsync(browser, $"/v1/credentials/{Host.Credential.Item.Id}");
        Assert.Equal("s3cr3t-value", credential.GetProperty("credential_pairs").GetProperty("password").GetString());
        Assert.True(credential.GetProperty("permissions").GetProperty("get").GetBoolean());
        using var service = await browser.GetAsync(new Uri(App, $"/v1/services/{ExternalSignInHost.ServiceId}"));
        Assert.Equal(HttpStatusCode.OK, service.StatusCode);
    }

    [Fact]
    public async Task SignIn_Reader_SeesMetadataButNoValues()
    {
        using var browser = new OidcBrowser();

        await browser.SignInAsync(App, TestIdentityProvider.Reader);

        Assert.Equal([ConfidantRoles.Reader], CookiePrincipal(browser).ToConfidantPrincipal().Roles!);
        var credential = await GetJsonAsync(browser, $"/v1/credentials/{Host.Credential.Item.Id}");
        Assert.Equal("payments-db", credential.GetProperty("name").GetString());
        Assert.Empty(credential.GetProperty("credential_pairs").EnumerateObject());
        Assert.False(credential.GetProperty("permissions").GetProperty("get").GetBoolean());
        using var service = await browser.GetAsync(new Uri(App, $"/v1/services/{ExternalSignInHost.ServiceId}"));
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }

    [Fact]
    public async Task SignIn_AppRoleClaim_MapsToAdmin()
    {
        using var browser = new OidcBrowser();

        await browser.SignInAsync(App, TestIdentityProvider.Admin);

        Assert.Equal([ConfidantRoles.Admin], CookiePrincipal(browser).ToConfidantPrincipal().Roles!);
    }

    [Fact]
    public async Task SignIn_NoMappedClaimAndNoDefault_SignedInWithoutAccess()
    {
        using var browser = new OidcBrowser();

        await browser.SignInAsync(App, TestIdentityProvider.Unmapped);

        var caller = CookiePrincipal(browser).ToConfidantPrincipal();
        Assert.NotNull(caller.Roles);
        Assert.Empty(caller.Roles);
        using var list = await browser.GetAsync(new Uri(App, "/v1/credentials"));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task SignIn_OutsideAllowedEmailSuffix_RefusedWithoutSession()
    {
        // spec §2.5: a person outside USER_EMAIL_SUFFIX is refused with 403.
        using var browser = new OidcBrowser();

        var landed = await browser.SignInAsync(App, TestIdentityProvider.Outsider);

        Assert.Equal(HttpStatusCode.Forbidden, landed.StatusCode);
        Assert.Contains("not allowed", await landed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
        using var probe = await browser.GetAsync(new Uri(App, "/v1/user/email"));
        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("https://evil.example/x")]
    public async Task SignIn_NonLocalReturnUrl_LandsOnTheAppRoot(string returnUrl)
    {
        using var browser = new OidcBrowser();

        var landed = await browser.SignInAsync(App, TestIdentityProvider.Editor, returnUrl);

        Assert.Equal(App.Authority, landed.RequestMessage!.RequestUri!.Authority);
        Assert.Equal("/", landed.RequestMessage.RequestUri.AbsolutePath);
        Assert.DoesNotContain(browser.Visited, uri => uri.Host.Contains("evil", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOut_SignedIn_EndsAppAndProviderSessions()
    {
        using var browser = new OidcBrowser();
        await browser.SignInAsync(App, TestIdentityProvider.Editor);
        var xsrf = await XsrfTokenAsync(browser);

        using var signOut = new HttpRequestMessage(HttpMethod.Post, new Uri(App, "/signout"));
        signOut.Headers.Add("X-XSRF-TOKEN", xsrf);
        var first = await browser.SendAsync(signOut);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith(Host.Provider.Issuer.AbsoluteUri.TrimEnd('/'), first.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        var landed = await browser.FollowAsync(first);
        Assert.Equal("/signed-out", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
        using var probe = await browser.GetAsync(new Uri(App, "/v1/user/email"));
        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);

        // The provider session is gone too: signing in again asks for the password.
        var again = await browser.FollowAsync(await browser.GetAsync(new Uri(App, "/signin")));
        Assert.Contains("name=\"password\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_KeepsSession()
    {
        using var browser = new OidcBrowser();
        await browser.SignInAsync(App, TestIdentityProvider.Editor);

        using var signOut = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(App, "/signout")));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        using var probe = await browser.GetAsync(new Uri(App, "/v1/user/email"));
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    private static async Task<JsonElement> GetJsonAsync(OidcBrowser browser, string path)
    {
        using var response = await browser.GetAsync(new Uri(browser.Visited[0], path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<string> XsrfTokenAsync(OidcBrowser browser)
    {
        using var probe = await browser.GetAsync(new Uri(App, "/v1/user/email"));
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        return Uri.UnescapeDataString(browser.Cookie("XSRF-TOKEN")!);
    }

    /// <summary>The principal inside the app's session cookie, read with the app's own data protection.</summary>
    private ClaimsPrincipal CookiePrincipal(OidcBrowser browser)
    {
        var value = browser.Cookie(AuthenticationExtensions.CookieName);
        Assert.NotNull(value);
        if (value.StartsWith("chunks-", StringComparison.Ordinal))
        {
            var count = int.Parse(value["chunks-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            value = string.Concat(Enumerable.Range(1, count).Select(i => browser.Cookie($"{AuthenticationExtensions.CookieName}C{i}")));
        }

        var options = Host.Api.Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = options.TicketDataFormat.Unprotect(value);
        Assert.NotNull(ticket);
        return ticket.Principal;
    }
}

public sealed class ExternalSignInOidcTests(OidcSignInFixture fixture) : ExternalSignInTests(fixture), IClassFixture<OidcSignInFixture>;

/// <summary>Through Microsoft.Identity.Web's code path, against an Entra-shaped provider.</summary>
public sealed class ExternalSignInEntraIdTests(EntraIdSignInFixture fixture) : ExternalSignInTests(fixture), IClassFixture<EntraIdSignInFixture>;
