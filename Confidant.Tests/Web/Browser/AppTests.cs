using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>The whole UI in a real browser: sign-in, the Blazor circuit under the CSP (spec §1.3), sign-out, the sidebar.</summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class AppTests : IAsyncLifetime
{
    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task SignInToggleThemeSignOut_InBrowser_WorksWithoutCspViolations()
    {
        var page = _browser.Page;
        var baseUrl = _browser.BaseUrl;

        await page.GotoAsync(baseUrl + "/");
        Assert.EndsWith("/signin?returnUrl=%2F", page.Url, StringComparison.Ordinal);
        await _browser.SignInAsync("ada@example.com");
        await _browser.ScreenshotAsync("signed-in");

        Assert.Equal("ada@example.com", (await page.InnerTextAsync("#signed-in-name")).Trim());
        Assert.Contains("Development sign-in is active", await page.InnerTextAsync("#dev-banner"), StringComparison.Ordinal);
        var lightBackground = await BodyBackgroundAsync(page);
        await page.ClickAsync("button[aria-label='Toggle dark mode']");
        await page.WaitForFunctionAsync("bg => getComputedStyle(document.body).backgroundColor !== bg", lightBackground);
        await _browser.ScreenshotAsync("dark");

        await page.ClickAsync("form[action='/signout'] button[type=submit]");
        await page.WaitForURLAsync(baseUrl + "/signin");
        await page.GotoAsync(baseUrl + "/");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);

        _browser.AssertNoProblems();
    }

    [Fact]
    public async Task SidebarFilter_InBrowser_NarrowsTheListAndLinksEachKind()
    {
        var caller = BrowserSession.Person("ada@example.com");
        var credentials = _browser.Services.GetRequiredService<CredentialService>();
        var prod = await credentials.CreateAsync(caller, TestData.Credential("prod-db", ("password", "p")));
        await credentials.CreateAsync(caller, TestData.Credential("staging-db", ("password", "s")));
        var blind = await _browser.Services.GetRequiredService<BlindCredentialService>().CreateAsync(caller, new BlindCredentialInput
        {
            Name = "prod-signing-key",
            CredentialPairs = TestData.Json("""{"us-east-1": "c2VhbGVk"}"""),
            DataKey = TestData.Json("""{"us-east-1": "a2V5"}"""),
            CipherType = "fernet",
            CipherVersion = 2,
        });
        await _browser.Services.GetRequiredService<ServiceMappingService>().PutAsync(caller, "prod-api", new ServiceMappingInput());

        await _browser.SignInAsync("ada@example.com", ConfidantRoles.Reader);
        var items = _browser.Page.Locator("a.sidebar-item");
        await Assertions.Expect(items).ToHaveCountAsync(4);

        await _browser.Page.FillAsync("#sidebar-filter", "prod");
        await Assertions.Expect(items).ToHaveCountAsync(3);
        await _browser.ScreenshotAsync("filtered");
        Assert.Equal(["credential", "blind-credential", "service"], await items.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)"));
        Assert.Equal(
            [$"/credentials/{prod.Item.Id}", $"/blind-credentials/{blind.Id}", "/services/prod-api"],
            await items.EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('href'))"));

        await _browser.Page.FillAsync("#sidebar-filter", "/^staging/");
        await Assertions.Expect(items).ToHaveTextAsync(["staging-db"]);

        // Rows are links a keyboard reaches: Enter on a focused row opens the page in place.
        await _browser.Page.FillAsync("#sidebar-filter", "signing");
        await Assertions.Expect(items).ToHaveCountAsync(1);
        await items.First.FocusAsync();
        await _browser.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(_browser.Page.Locator("#blind-credential-name")).ToHaveTextAsync("prod-signing-key");
        _browser.AssertNoProblems();
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
