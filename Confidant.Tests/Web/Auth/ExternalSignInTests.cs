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
    private static readonly TimeSpan PastRevalidation = TimeSpan.FromSeconds(301);
    private static int _people;

    protected ExternalSignInHost Host => fixture.Host;

    protected Uri App => Host.App;

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

    [Fact]
    public async Task Revalidation_DemotedAtProvider_LosesEditorRightsAfterTheInterval()
    {
        // Finding 7: roles were never checked again, so a demoted editor stayed an editor for the whole session.
        var person = NewPerson("grp-editors");
        using var browser = new OidcBrowser();
        await browser.SignInAsync(App, person);
        Assert.Equal("s3cr3t-value", (await GetJsonAsync(browser, CredentialPath)).GetProperty("credential_pairs").GetProperty("password").GetString());

        Host.Provider.SetGroups(person, "grp-readers");
        var refreshes = Host.Provider.Refreshes;
        Host.Api.Factory.Time.Advance(PastRevalidation);
        var credential = await GetJsonAsync(browser, CredentialPath);

        Assert.Empty(credential.GetProperty("credential_pairs").EnumerateObject());
        Assert.False(credential.GetProperty("permissions").GetProperty("get").GetBoolean());
        Assert.Equal([ConfidantRoles.Reader], CookiePrincipal(browser).ToConfidantPrincipal().Roles!);
        Assert.Equal(refreshes + 1, Host.Provider.Refreshes);
    }

    [Fact]
    public async Task Revalidation_RemovedAtProvider_SessionEnds()
    {
        var person = NewPerson("grp-editors");
        using var browser = new OidcBrowser();
        await browser.SignInAsync(App, person);

        Host.Provider.Remove(person);
        Host.Api.Factory.Time.Advance(PastRevalidation);
        using var probe = await browser.GetAsync(new Uri(App, "/v1/user/email"));

        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
    }

    [Fact]
    public async Task Revalidation_WithinTheInterval_ProviderNotAsked()
    {
        var person = NewPerson("grp-editors");
        using var browser = new OidcBrowser();
        await browser.SignInAsync(App, person);
        var refreshes = Host.Provider.Refreshes;

        Host.Provider.SetGroups(person, "grp-readers");
        Host.Api.Factory.Time.Advance(TimeSpan.FromSeconds(120));
        var credential = await GetJsonAsync(browser, CredentialPath);

        Assert.Equal(refreshes, Host.Provider.Refreshes);
        Assert.True(credential.GetProperty("permissions").GetProperty("get").GetBoolean());
    }

    [Fact]
    public async Task SignIn_ProviderSendsClaimsNamedLikeOurs_TheyAreDropped()
    {
        // Finding 7: a provider's confidant:* claims made a person a service, or gave roles the mapping did not.
        var person = NewPerson("grp-readers") with
        {
            Extra = [(ConfidantClaims.UserType, "service"), (ConfidantClaims.Role, "admin"), (ConfidantClaims.Account, "acct2"), (ConfidantClaims.SessionStart, "1")],
        };
        Host.Provider.Add(person);
        using var browser = new OidcBrowser();

        await browser.SignInAsync(App, person);

        var cookie = CookiePrincipal(browser);
        var caller = cookie.ToConfidantPrincipal();
        Assert.Equal(ConfidantPrincipal.User, caller.UserType);
        Assert.Equal(person.Email, caller.Name);
        Assert.Null(caller.Account);
        Assert.Equal([ConfidantRoles.Reader], caller.Roles!);
        Assert.NotEqual("1", cookie.FindFirstValue(ConfidantClaims.SessionStart));
        using var service = await browser.GetAsync(new Uri(App, $"/v1/services/{ExternalSignInHost.ServiceId}"));
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }

    [Fact]
    public async Task SignIn_DomainMerelyEndingInTheSuffix_Refused()
    {
        // Finding 7: the suffix "example.com" matched x@evilexample.com.
        var person = new TestPerson("eve@evilexample.com", ["grp-editors"], []);
        Host.Provider.Add(person);
        using var browser = new OidcBrowser();

        var landed = await browser.SignInAsync(App, person);

        Assert.Equal(HttpStatusCode.Forbidden, landed.StatusCode);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
    }

    [Fact]
    public async Task SignOut_CookieKeptAndReplayed_Refused()
    {
        using var browser = new OidcBrowser();
        await browser.SignInAsync(App, NewPerson("grp-editors"));
        var kept = browser.Cookie(AuthenticationExtensions.CookieName);
        var xsrf = await XsrfTokenAsync(browser);
        using var signOut = new HttpRequestMessage(HttpMethod.Post, new Uri(App, "/signout"));
        signOut.Headers.Add("X-XSRF-TOKEN", xsrf);
        await browser.SendAsync(signOut);

        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri(App, "/v1/user/email"));
        replay.Headers.Add("Cookie", $"{AuthenticationExtensions.CookieName}={kept}");
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        using var response = await client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    protected TestPerson NewPerson(params string[] groups)
    {
        var person = new TestPerson($"person{Interlocked.Increment(ref _people)}@example.com", groups, []);
        Host.Provider.Add(person);
        return person;
    }

    private string CredentialPath => $"/v1/credentials/{Host.Credential.Item.Id}";

    protected static async Task<JsonElement> GetJsonAsync(OidcBrowser browser, string path)
    {
        using var response = await browser.GetAsync(new Uri(browser.Visited[0], path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    protected async Task<string> XsrfTokenAsync(OidcBrowser browser)
    {
        using var probe = await browser.GetAsync(new Uri(App, "/v1/user/email"));
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        return Uri.UnescapeDataString(browser.Cookie("XSRF-TOKEN")!);
    }

    /// <summary>The principal inside the app's session cookie, read with the app's own data protection.</summary>
    protected ClaimsPrincipal CookiePrincipal(OidcBrowser browser)
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

public sealed class ExternalSignInOidcTests(OidcSignInFixture fixture) : ExternalSignInTests(fixture), IClassFixture<OidcSignInFixture>
{
    [Fact]
    public async Task SignIn_EmailNotVerifiedByTheProvider_Refused()
    {
        // Finding 7: the allow-list trusted "email" without "email_verified"; many providers let users type any address.
        var person = new TestPerson("unverified@example.com", ["grp-editors"], [], EmailVerified: false);
        Host.Provider.Add(person);
        using var browser = new OidcBrowser();

        var landed = await browser.SignInAsync(App, person);

        Assert.Equal(HttpStatusCode.Forbidden, landed.StatusCode);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
    }
}

/// <summary>Through Microsoft.Identity.Web's code path, against an Entra-shaped provider.</summary>
public sealed class ExternalSignInEntraIdTests(EntraIdSignInFixture fixture) : ExternalSignInTests(fixture), IClassFixture<EntraIdSignInFixture>;
