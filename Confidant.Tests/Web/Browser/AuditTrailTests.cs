using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>An admin reveals a credential, finds the record on the audit page, sees who received it, exports the CSV.</summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class AuditTrailTests : IAsyncLifetime
{
    private const string Admin = "ada@example.com";

    private BrowserSession _browser = null!;

    public async Task InitializeAsync() => _browser = await BrowserSession.StartAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task RevealThenAuditPageFilterAccessPanelAndCsvExport_ShowTheReveal()
    {
        var page = _browser.Page;
        var credential = await _browser.Services.GetRequiredService<CredentialService>()
            .CreateAsync(BrowserSession.Person("owner@example.com"), TestData.Credential("stripe api", ("api_key", "sk-live-1")));
        var id = credential.Item.Id;
        await _browser.SignInAsync(Admin);

        // Revealing produces the record.
        await _browser.GotoAsync("/credentials/" + id);
        await page.ClickAsync("#reveal-values");
        await Assertions.Expect(page.Locator(".kv-row .kv-value input").First).ToHaveValueAsync("sk-live-1");

        // The audit page, filtered to this person and credential, shows it, flagged as a first access.
        await page.ClickAsync("a[href='/audit']");
        await page.WaitForSelectorAsync("#audit-count");
        await Input("audit-actor").FillAsync(Admin);
        await Input("audit-resource").FillAsync(id);
        await Input("audit-resource").PressAsync("Tab");
        await page.ClickAsync("#audit-apply");
        var rows = page.Locator("tr.audit-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First.Locator(".audit-action")).ToHaveTextAsync("reveal");
        await Assertions.Expect(rows.First.Locator(".audit-flag")).ToHaveTextAsync("first_access");
        Assert.Contains("audit-flagged", await rows.First.GetAttributeAsync("class"), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator(".audit-chain").First).ToContainTextAsync("open");
        await _browser.ScreenshotAsync("1-audit-filtered");

        // The CSV export of the filtered view downloads the same record, and nothing secret.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#audit-export-csv"));
        var path = await download.PathAsync();
        var csv = await File.ReadAllTextAsync(path!);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("time,chain_id,sequence,action", lines[0], StringComparison.Ordinal);
        var record = Assert.Single(lines[1..]);
        Assert.Contains($",reveal,delivered,credential,{id},1,", record, StringComparison.Ordinal);
        Assert.Contains(Admin, record, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-1", csv, StringComparison.Ordinal);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);

        // The credential's access panel lists the admin as a recipient since the last rotation.
        await _browser.GotoAsync("/credentials/" + id);
        await page.ClickAsync("#show-access");
        var row = page.Locator(".access-row", new() { HasText = Admin });
        await Assertions.Expect(row.Locator(".access-principal")).ToHaveTextAsync($"{Admin} (user)");
        await Assertions.Expect(row.Locator(".access-count")).ToHaveTextAsync("1");
        await _browser.ScreenshotAsync("2-access-panel");
        _browser.AssertNoProblems();
    }

    private ILocator Input(string id) => _browser.Page.Locator($"input#{id}, #{id} input").First;
}
