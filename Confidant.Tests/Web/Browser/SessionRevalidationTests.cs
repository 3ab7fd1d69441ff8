using Confidant.Tests.Support;
using Confidant.Web.Auth.Sessions;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>
/// Finding 7 in a real browser: an open Blazor circuit keeps the person it was opened with, so it must be checked
/// again. The app signs people in at the test identity provider and re-checks every second
/// (Auth:Session:RevalidateSeconds=1); the app's clock starts at the real time, as the browser expires cookies by it.
/// </summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class SessionRevalidationTests : IAsyncLifetime
{
    private static readonly TimeSpan PastRevalidation = TimeSpan.FromSeconds(2);
    private ExternalSignInHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _host = await ExternalSignInHost.StartAsync(entraId: false, new Dictionary<string, string?> { ["Auth:Session:RevalidateSeconds"] = "1" });
        _host.Api.Factory.Time.SetUtcNow(TimeProvider.System.GetUtcNow());
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserSession.ChromiumPath,
            Headless = true,
            Args = BrowserSession.ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task OpenCircuit_PersonDemotedAtTheProvider_LosesEditorRights()
    {
        var person = new TestPerson("circuit-editor@example.com", ["grp-editors"], []);
        _host.Provider.Add(person);
        var page = await SignedInPageAsync(person, CredentialPath);
        await page.WaitForSelectorAsync("#reveal-values");

        _host.Provider.SetGroups(person, "grp-readers");
        _host.Api.Factory.Time.Advance(PastRevalidation);

        // Nothing is clicked or reloaded: the circuit finds out by itself.
        await page.WaitForSelectorAsync("#credential-read-only", new() { Timeout = 30_000 });
        await WaitForCircuitAsync(page);
        Assert.Equal(0, await page.Locator("#reveal-values").CountAsync());
        Assert.Equal("circuit-editor", (await page.InnerTextAsync("#signed-in-name")).Trim());
    }

    [Fact]
    public async Task OpenCircuit_SignedOutInAnotherTab_Ends()
    {
        var person = new TestPerson("circuit-signout@example.com", ["grp-editors"], []);
        _host.Provider.Add(person);
        var first = await SignedInPageAsync(person, "/");
        var second = await first.Context.NewPageAsync();
        await second.GotoAsync(new Uri(_host.App, CredentialPath).AbsoluteUri);
        await WaitForCircuitAsync(second);
        await second.WaitForSelectorAsync("#reveal-values");

        await first.ClickAsync("form[action='/signout'] button[type=submit]");

        // Through the provider's end-session endpoint, which the page's form-action must allow.
        await first.WaitForURLAsync("**/signed-out");
        _host.Api.Factory.Time.Advance(SessionValidator.SignOutGrace);

        // The open page leaves for the sign-in, which (the provider session being over too) asks for the password.
        await second.WaitForSelectorAsync("input[name=password]", new() { Timeout = 30_000 });
        Assert.StartsWith(_host.Provider.BaseAddress.AbsoluteUri, second.Url, StringComparison.Ordinal);
    }

    private string CredentialPath => $"/credentials/{Uri.EscapeDataString(_host.Credential.Item.Id)}";

    private static async Task WaitForCircuitAsync(IPage page) =>
        await page.WaitForSelectorAsync("#circuit[data-interactive=true]", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    private async Task<IPage> SignedInPageAsync(TestPerson person, string path)
    {
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(new Uri(_host.App, path).AbsoluteUri);
        await page.FillAsync("input[name=username]", person.Email);
        await page.FillAsync("input[name=password]", TestIdentityProvider.Password);
        await page.ClickAsync("button");
        await page.WaitForURLAsync(new Uri(_host.App, path).AbsoluteUri);
        await WaitForCircuitAsync(page);
        return page;
    }
}
