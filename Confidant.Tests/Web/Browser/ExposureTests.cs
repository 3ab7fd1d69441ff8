using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>An admin marks a credential exposed from its page and sees the badge and the blast radius.</summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class ExposureTests : IAsyncLifetime
{
    private const string Admin = "ada@example.com";

    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task MarkExposedFromTheCredentialPage_BadgeEverywhereAndTheBlastRadius()
    {
        var page = _browser.Page;
        var owner = BrowserSession.Person("owner@example.com");
        var credential = await _browser.Services.GetRequiredService<CredentialService>()
            .CreateAsync(owner, TestData.Credential("stripe api", ("api_key", "sk-live-1")));
        var id = credential.Item.Id;
        await _browser.Services.GetRequiredService<ServiceMappingService>()
            .PutAsync(owner, "payments", new ServiceMappingInput { Credentials = [id] });
        await _browser.Services.GetRequiredService<ServiceMappingService>().GetAsync(ConfidantPrincipal.ForService("payments"), "payments");
        await _browser.SignInAsync(Admin);

        await _browser.GotoAsync("/credentials/" + id);
        await page.ClickAsync("#mark-exposed");
        await Input("exposure-incident").FillAsync("INC-2024-7");
        await Input("exposure-reason").FillAsync("key pasted in a public issue");
        await _browser.ScreenshotAsync("1-dialog");
        await page.ClickAsync("#confirm-exposure");

        // The badge beside the heading; the panel with the pending key and the blast radius.
        await Assertions.Expect(page.Locator("#credential-heading + .exposed-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".exposure-pending")).ToContainTextAsync("Still to rotate: api_key");
        await Assertions.Expect(page.Locator("#blast-services-now")).ToHaveTextAsync("payments");
        await Assertions.Expect(page.Locator(".blast-principal-name", new() { HasText = "payments" })).ToHaveTextAsync("payments (service)");
        await Assertions.Expect(page.Locator(".blast-principal-name", new() { HasText = "owner@example.com" })).ToHaveTextAsync("owner@example.com (user)");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("sk-live-1");
        await _browser.ScreenshotAsync("2-exposed");

        // The incident's page lists it as pending; the sidebar, read again on the way, badges it and its service.
        await page.ClickAsync(".exposure-incident");
        await Assertions.Expect(page.Locator("#incident-progress")).ToHaveTextAsync("0 of 1 rotated, 1 pending.");
        await Assertions.Expect(page.Locator("a.sidebar-item", new() { HasText = "stripe api" }).Locator(".exposed-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("a.sidebar-item", new() { HasText = "payments" }).Locator(".exposed-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".incident-resource .incident-pending-keys")).ToHaveTextAsync("api_key");
        await _browser.ScreenshotAsync("3-incident");
        _browser.AssertNoProblems();
    }

    private ILocator Input(string id) => _browser.Page.Locator($"input#{id}, textarea#{id}, #{id} input").First;
}
