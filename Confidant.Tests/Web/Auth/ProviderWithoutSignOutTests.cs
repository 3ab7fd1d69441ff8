using System.Net;
using Confidant.Tests.Support;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// Google, which Confidant's default USER_AUTH_MODULE signs in at, publishes no end-session endpoint: signing out ends
/// the session here and says so, instead of failing on the missing endpoint.
/// </summary>
public sealed class ProviderWithoutSignOutTests
{
    [Fact]
    public async Task SignOut_ProviderWithoutEndSession_EndsTheSessionHere()
    {
        await using var host = await ExternalSignInHost.StartAsync(entraId: false, providerSignOut: false);
        using var browser = new OidcBrowser();
        await browser.SignInAsync(host.App, TestIdentityProvider.Editor);
        using var probe = await browser.GetAsync(new Uri(host.App, "/v1/user/email"));
        using var signOut = new HttpRequestMessage(HttpMethod.Post, new Uri(host.App, "/signout"));
        signOut.Headers.Add("X-XSRF-TOKEN", Uri.UnescapeDataString(browser.Cookie("XSRF-TOKEN")!));

        var landed = await browser.FollowAsync(await browser.SendAsync(signOut));

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal("/signed-out", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
        using var after = await browser.GetAsync(new Uri(host.App, "/v1/user/email"));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
