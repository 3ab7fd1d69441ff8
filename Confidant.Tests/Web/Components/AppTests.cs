using Confidant.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Components;

/// <summary>The whole UI in a real browser: sign-in, the Blazor circuit under the CSP (spec §1.3), sign-out.</summary>
public sealed class AppTests
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    [Fact]
    public async Task SignInToggleThemeSignOut_InBrowser_WorksWithoutCspViolationsAsync()
    {
        await using var app = ConfidantAppHost.Build(["--urls=http://127.0.0.1:0"]);
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                problems.Add($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(baseUrl + "/");
        Assert.EndsWith("/signin?returnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#name", "ada@example.com");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(baseUrl + "/");
        try
        {
            await page.WaitForSelectorAsync("#circuit[data-interactive=true]", new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("The Blazor circuit did not attach. Browser errors: " + string.Join(" | ", problems));
        }


        Assert.Equal("ada@example.com", (await page.InnerTextAsync("#signed-in-name")).Trim());
        Assert.Contains("Development sign-in is active", await page.InnerTextAsync("#dev-banner"), StringComparison.Ordinal);
        var lightBackground = await BodyBackgroundAsync(page);
        await page.ClickAsync("button[aria-label='Toggle dark mode']");
        await page.WaitForFunctionAsync("bg => getComputedStyle(document.body).backgroundColor !== bg", lightBackground);

        await page.ClickAsync("form[action='/signout'] button[type=submit]");
        await page.WaitForURLAsync(baseUrl + "/signin");
        await page.GotoAsync(baseUrl + "/");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);

        Assert.True(problems.Count == 0, string.Join(" | ", problems));
        await app.StopAsync();
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
