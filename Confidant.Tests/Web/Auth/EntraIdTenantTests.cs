using System.Net;
using Confidant.Tests.Support;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

/// <summary>Finding 7: the tenant of a person signing in through Entra ID is checked against the allowed ones.</summary>
public sealed class EntraIdTenantTests
{
    [Fact]
    public async Task SignIn_TenantNotAllowed_RefusedWithoutSession()
    {
        await using var host = await ExternalSignInHost.StartAsync(entraId: true, new Dictionary<string, string?>
        {
            ["Auth:EntraId:AllowedTenants:0"] = "0b1c2d3e-0000-4000-8000-000000000000",
        });
        using var browser = new OidcBrowser();

        var landed = await browser.SignInAsync(host.App, TestIdentityProvider.Editor);

        Assert.Equal(HttpStatusCode.Forbidden, landed.StatusCode);
        Assert.Null(browser.Cookie(AuthenticationExtensions.CookieName));
    }
}
