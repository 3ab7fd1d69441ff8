using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confidant.Services.KmsAuth;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>
/// The whole loop a person and a workload go through, in a real browser and over the REST API: create a credential,
/// map it to a service, read it as that service, edit it, see the change in history, revert it.
/// </summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class ResourceFlowTests : IAsyncLifetime
{
    private const string ServiceId = "billing-production";

    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task CreateMapFetchEditDiffRevert_InBrowserAndOverRest_ServiceSeesEachValue()
    {
        var page = _browser.Page;
        await _browser.SignInAsync("ada@example.com");

        // Create a credential.
        await _browser.GotoAsync("/credentials/new");
        await Input("credential-name").FillAsync("stripe api");
        if (await page.Locator(".kv-row").CountAsync() == 0)
        {
            await page.ClickAsync(".kv-add");
        }

        await page.Locator(".kv-row .kv-key input").First.FillAsync("api_key");
        await page.Locator(".kv-row .kv-value input").First.FillAsync("first-value");
        await _browser.ScreenshotAsync("1-new-credential");
        await page.ClickAsync("#save-credential");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/credentials/[0-9a-f]{32}$"));
        var credentialId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await _browser.WaitForCircuitAsync();
        await page.WaitForSelectorAsync("#reveal-values");
        Assert.Equal(0, await page.Locator("text=first-value").CountAsync());
        await _browser.ScreenshotAsync("2-credential-saved");

        // Map it to a service.
        await _browser.GotoAsync("/services/new");
        await Input("service-name").FillAsync(ServiceId);
        await Input("credential-search").FillAsync("stripe");
        await page.ClickAsync(".credential-option");
        await page.WaitForSelectorAsync("#mapped-credentials >> text=stripe api");
        await _browser.ScreenshotAsync("3-new-service");
        await page.ClickAsync("#save-service");
        await page.WaitForURLAsync(_browser.BaseUrl + "/services/" + ServiceId);
        await _browser.WaitForCircuitAsync();
        await _browser.ScreenshotAsync("4-service-saved");

        // The workload reads it with a kmsauth token.
        Assert.Equal("first-value", await FetchAsServiceAsync());

        // Edit the credential.
        await _browser.GotoAsync("/credentials/" + credentialId);
        await page.ClickAsync("#reveal-values");
        var value = page.Locator(".kv-row .kv-value input").First;
        await Assertions.Expect(value).ToHaveValueAsync("first-value");
        await value.FillAsync("second-value");
        await page.ClickAsync("#save-credential");
        await Assertions.Expect(page.Locator("#credential-revision")).ToContainTextAsync("2");
        await _browser.ScreenshotAsync("5-credential-edited");
        Assert.Equal("second-value", await FetchAsServiceAsync());

        // History shows the change, masked; revert it.
        await _browser.GotoAsync($"/history/credential/{credentialId}");
        var diff = page.Locator("#diff-view");
        await Assertions.Expect(diff).ToContainTextAsync("api_key");
        Assert.DoesNotContain("first-value", await diff.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("second-value", await diff.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator(".revision-row").CountAsync());
        await _browser.ScreenshotAsync("6-history-diff");
        await page.ClickAsync("#revert-button");
        await page.ClickAsync("#confirm-revert");
        await page.WaitForSelectorAsync("#history-success");
        await Assertions.Expect(page.Locator(".revision-row")).ToHaveCountAsync(3);
        await _browser.ScreenshotAsync("7-reverted");

        // The old value is back, for the workload and in the page.
        Assert.Equal("first-value", await FetchAsServiceAsync());
        await _browser.GotoAsync("/credentials/" + credentialId);
        await page.ClickAsync("#reveal-values");
        await Assertions.Expect(page.Locator(".kv-row .kv-value input").First).ToHaveValueAsync("first-value");
        await _browser.ScreenshotAsync("8-old-value-back");
        _browser.AssertNoProblems();
    }

    private ILocator Input(string id) => _browser.Page.Locator($"input#{id}, #{id} input").First;

    private async Task<string?> FetchAsServiceAsync()
    {
        var settings = _browser.Services.GetRequiredService<IOptions<KmsAuthOptions>>().Value;
        var token = await _browser.Services.GetRequiredService<KmsTokenGenerator>()
            .GenerateAsync(settings.AuthKey!, ServiceId, settings.AuthContext, "service", 2, 10);
        using var http = new HttpClient { BaseAddress = new Uri(_browser.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        using var response = await http.GetAsync(new Uri("/v1/services/" + ServiceId, UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var credential = Assert.Single(body.RootElement.GetProperty("credentials").EnumerateArray());
        return credential.GetProperty("credential_pairs").GetProperty("api_key").GetString();
    }
}
