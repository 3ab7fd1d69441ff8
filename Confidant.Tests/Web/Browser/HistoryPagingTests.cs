using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>A long history is read 100 changes at a time: the page shows the newest, Load more brings the rest.</summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class HistoryPagingTests : IAsyncLifetime
{
    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task LongHistory_LoadMore_BringsTheOlderChanges()
    {
        var page = _browser.Page;
        var owner = BrowserSession.Person("owner@example.com");
        var credentials = _browser.Services.GetRequiredService<CredentialService>();
        var created = await credentials.CreateAsync(owner, TestData.Credential("busy", ("k", "0")));
        for (var i = 1; i < 130; i++)
        {
            await credentials.UpdateAsync(owner, created.Item.Id, new CredentialInput { Documentation = $"change {i}" });
        }

        await _browser.SignInAsync("ada@example.com");
        await _browser.GotoAsync("/history");

        await Assertions.Expect(page.Locator("#history-count")).ToHaveTextAsync("100 of 100 changes loaded, newest first");
        await Assertions.Expect(page.Locator(".history-row").First.Locator(".history-revision")).ToHaveTextAsync("revision 130");
        await _browser.ScreenshotAsync("1-first-page");

        await page.ClickAsync("#history-load-more");

        await Assertions.Expect(page.Locator("#history-count")).ToHaveTextAsync("130 of 130 changes, newest first");
        await Assertions.Expect(page.Locator("#history-load-more")).ToHaveCountAsync(0);
        Assert.InRange(await page.Locator(".history-row").CountAsync(), 1, 129);
        _browser.AssertNoProblems();
    }
}
