using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>The resources view works without a mouse: the filter and each entry are reached with Tab.</summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class KeyboardTests : IAsyncLifetime
{
    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task TabToFilterTypeAndOpen_KeyboardOnly_OpensTheCredential()
    {
        var caller = BrowserSession.Person("ada@example.com");
        var credentials = _browser.Services.GetRequiredService<CredentialService>();
        await credentials.CreateAsync(caller, new CredentialInput { Name = "payments db", Pairs = TestData.Pairs(("password", "p")) });
        var wanted = await credentials.CreateAsync(caller, new CredentialInput { Name = "search api", Pairs = TestData.Pairs(("token", "t")) });
        await _browser.SignInAsync("ada@example.com");
        var page = _browser.Page;

        // Tab from the top of the page until the sidebar filter has the focus.
        await page.Locator("body").FocusAsync();
        var reached = false;
        for (var presses = 0; presses < 40 && !reached; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => document.activeElement?.closest('#sidebar-filter') !== null || document.activeElement?.id === 'sidebar-filter'");
        }

        Assert.True(reached, "The sidebar filter cannot be reached with Tab.");
        await page.Keyboard.TypeAsync("search");
        await Assertions.Expect(page.Locator("a.sidebar-item")).ToHaveCountAsync(1);

        // The next Tab stops reach the one entry left; Enter opens it.
        var onEntry = false;
        for (var presses = 0; presses < 10 && !onEntry; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            onEntry = await page.EvaluateAsync<bool>("() => document.activeElement?.classList.contains('sidebar-item') === true");
        }

        Assert.True(onEntry, "The filtered entry cannot be reached with Tab.");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(_browser.BaseUrl + "/credentials/" + wanted.Item.Id);
        await Assertions.Expect(page.Locator("#credential-heading")).ToContainTextAsync("search api");
        await _browser.ScreenshotAsync("opened-by-keyboard");
        _browser.AssertNoProblems();
    }
}
