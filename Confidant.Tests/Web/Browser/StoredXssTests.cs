using System.Text.Json;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>
/// Stored XSS: names, keys, metadata, documentation and tags are user-controlled text and must reach the browser
/// as text on every page, never as markup.
/// </summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class StoredXssTests : IAsyncLifetime
{
    private const string Img = "<img src=x onerror=window.__xss=1>";
    private const string Script = "<script>window.__xss=1</script>";
    private const string Svg = "\"><svg onload=window.__xss=1>";

    // Keys may not hold whitespace; the slash form is parsed as an attribute separator all the same.
    private const string SvgKey = "\"><svg/onload=window.__xss=1>";

    // Every element the payloads would create if they were parsed as HTML.
    private const string InjectedSelector = "img[src='x'], img[onerror], svg[onload], script:not([src])";

    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task Payloads_OnEveryPage_RenderAsTextAndNeverRun()
    {
        var caller = BrowserSession.Person("ada@example.com");
        var credential = await _browser.Services.GetRequiredService<CredentialService>().CreateAsync(caller, new CredentialInput
        {
            Name = "cred " + Img,
            Pairs = TestData.Pairs((Script, "value-1"), (SvgKey, "value-2")),
            Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [Img] = Svg, ["owner"] = Script }),
            Documentation = "doc " + Script,
            Tags = [Img, Svg],
        });
        var archived = await _browser.Services.GetRequiredService<CredentialService>().CreateAsync(caller, new CredentialInput
        {
            Name = "archived " + Svg,
            Pairs = TestData.Pairs(("k", "v")),
            Enabled = false,
        });
        var blind = await _browser.Services.GetRequiredService<BlindCredentialService>().CreateAsync(caller, new BlindCredentialInput
        {
            Name = "blind " + Svg,
            CredentialPairs = TestData.Json("""{"us-east-1": "c2VhbGVk"}"""),
            DataKey = TestData.Json("""{"us-east-1": "a2V5"}"""),
            CipherType = "fernet",
            CipherVersion = 2,
            CredentialKeys = ["blind" + Script, "blind" + SvgKey],
            Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [Svg] = Img }),
            Documentation = "blind doc " + Img,
        });

        // A service id cannot hold '/', so the script payload is left out of it.
        var serviceId = "svc " + Svg + Img;
        await _browser.Services.GetRequiredService<ServiceMappingService>().PutAsync(caller, serviceId, new ServiceMappingInput
        {
            Credentials = [credential.Item.Id],
            BlindCredentials = [blind.Id],
        });

        await _browser.SignInAsync("ada@example.com");
        await AssertSafeAsync("home-and-sidebar", ["cred " + Img, "blind " + Svg, serviceId]);

        await _browser.GotoAsync("/credentials");
        await AssertSafeAsync("credential-list", ["cred " + Img]);

        await _browser.GotoAsync("/blind-credentials");
        await AssertSafeAsync("blind-credential-list", ["blind " + Svg]);

        await _browser.GotoAsync($"/blind-credentials/{blind.Id}");
        await AssertSafeAsync("blind-credential-detail", ["blind " + Svg, "blind" + Script, "blind" + SvgKey, Svg, Img, "blind doc " + Img, serviceId]);

        await _browser.GotoAsync($"/credentials/{credential.Item.Id}");
        await AssertSafeAsync("credential-detail", ["cred " + Img, "doc " + Script, Img, Svg]);

        await _browser.GotoAsync("/services");
        await AssertSafeAsync("service-list", [serviceId]);

        await _browser.GotoAsync($"/services/{Uri.EscapeDataString(serviceId)}");
        await AssertSafeAsync("service-detail", [serviceId, "cred " + Img, "blind " + Svg]);

        await _browser.GotoAsync("/history");
        await AssertSafeAsync("history", ["cred " + Img, "blind " + Svg, serviceId]);

        await _browser.GotoAsync($"/history/credential/{credential.Item.Id}");
        await AssertSafeAsync("credential-history", ["cred " + Img]);

        await _browser.GotoAsync($"/history/service/{Uri.EscapeDataString(serviceId)}");
        await AssertSafeAsync("service-history", [serviceId]);

        // An archived credential keeps its payloads; the archive lists it as text.
        await _browser.Services.GetRequiredService<CredentialService>().ArchiveAsync(caller, archived.Item.Id, force: true);
        await _browser.GotoAsync("/archive");
        await AssertSafeAsync("archive", ["archived " + Svg]);

        _browser.AssertNoProblems();
    }

    private async Task AssertSafeAsync(string step, string[] visibleTexts)
    {
        var page = _browser.Page;
        foreach (var text in visibleTexts)
        {
            // The payload is on the page as text: a parsed payload would leave no such text behind.
            await Assertions.Expect(page.GetByText(text, new() { Exact = false }).First).ToBeVisibleAsync();
        }

        await _browser.ScreenshotAsync(step, nameof(Payloads_OnEveryPage_RenderAsTextAndNeverRun));
        Assert.Empty(_browser.Dialogs);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        var injected = await page.Locator(InjectedSelector).EvaluateAllAsync<string[]>("els => els.map(e => e.outerHTML)");
        Assert.True(injected.Length == 0, $"{step}: injected elements {string.Join(", ", injected)}");
        var handlers = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on') && a.value.includes('__xss')).map(a => e.tagName + ' ' + a.name))");
        Assert.True(handlers.Length == 0, $"{step}: injected handlers {string.Join(", ", handlers)}");
    }
}
