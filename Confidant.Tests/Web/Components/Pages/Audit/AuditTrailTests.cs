using Bunit;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Audit;
using MudBlazor;

namespace Confidant.Tests.Web.Components.Pages.Audit;

public sealed class AuditTrailTests : ResourceComponentTestContext
{
    private static readonly ConfidantPrincipal Bob = ConfidantPrincipal.ForUser("bob@example.com");

    [Fact]
    public async Task Render_Admin_NewestFirstWithTheFlaggedRecordHighlighted()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await RevealAsync(Bob, id);
        await RevealAsync(Bob, id);
        SignIn(ConfidantRoles.Admin);

        var page = RenderPage();

        var rows = Rows(page);
        Assert.Equal([("reveal", "bob@example.com"), ("reveal", "bob@example.com")], rows[..2]);
        Assert.Contains(("create", "alice@example.com"), rows);

        // The chain's first record (chain_open) is the ledger's own, and the oldest.
        Assert.Equal(("chain_open", "confidant"), rows[^1]);
        var elements = page.FindAll("tr.audit-row");
        Assert.DoesNotContain("audit-flagged", elements[0].ClassName, StringComparison.Ordinal);
        Assert.Contains("audit-flagged", elements[1].ClassName, StringComparison.Ordinal);
        Assert.Equal("first_access", elements[1].QuerySelector(".audit-flag")!.TextContent.Trim());
        Assert.Contains($"{rows.Count} records, newest first", page.Find("#audit-count").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ActorAndResource_OnlyTheirRecordsAndTheExportFollows()
    {
        var db = (await CreateCredentialAsync("prod-db")).Item.Id;
        var cache = (await CreateCredentialAsync("prod-cache")).Item.Id;
        await RevealAsync(Bob, db);
        await RevealAsync(Bob, cache);
        await RevealAsync(DomainHost.Alice, db);
        SignIn(ConfidantRoles.Admin);
        var page = RenderPage();

        await page.Find("#audit-actor").ChangeAsync(new() { Value = "bob@example.com" });
        await page.Find("#audit-resource").ChangeAsync(new() { Value = db });
        await page.Find("#audit-apply").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Equal([("reveal", "bob@example.com")], Rows(page)));
        Assert.Equal($"/audit/export?format=csv&resource_id={db}&actor=bob%40example.com", page.Find("#audit-export-csv").GetAttribute("href"));
        Assert.Equal($"/audit/export?format=json&resource_id={db}&actor=bob%40example.com", page.Find("#audit-export-json").GetAttribute("href"));
    }

    [Fact]
    public async Task Apply_FlagAndOutcome_FilterTheRecords()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await RevealAsync(Bob, id);
        await RevealAsync(Bob, id);
        SignIn(ConfidantRoles.Admin);
        var page = RenderPage();

        await page.Find("#audit-flag-first_access").ClickAsync();
        await page.Find("#audit-apply").ClickAsync();
        await page.WaitForAssertionAsync(() => Assert.Single(Rows(page), r => r.Item2 == "bob@example.com"));
        Assert.All(page.FindAll("tr.audit-row"), r => Assert.Contains("audit-flagged", r.ClassName, StringComparison.Ordinal));
        Assert.Equal("true", page.Find("#audit-flag-first_access").GetAttribute("aria-pressed"));

        await page.Find("#audit-flag-any").ClickAsync();
        await page.Find("#audit-outcome-succeeded").ClickAsync();
        await page.Find("#audit-apply").ClickAsync();
        await page.WaitForAssertionAsync(() => Assert.Equal([("create", "alice@example.com"), ("chain_open", "confidant")], Rows(page)));
    }

    [Fact]
    public async Task Apply_Action_OnlyThatAction()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await RevealAsync(Bob, id);
        SignIn(ConfidantRoles.Admin);
        var page = RenderPage();
        var select = page.FindComponent<MudSelect<string>>();

        Assert.Contains(AuditActions.ServiceRead, page.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value));
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(AuditActions.Create));
        await page.Find("#audit-apply").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Equal([("create", "alice@example.com")], Rows(page)));
    }

    [Fact]
    public async Task Apply_TimeRange_FromInclusiveToExclusiveAndAnEmptyRangeIsRefused()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        Host.Time.Advance(TimeSpan.FromMinutes(10));
        await RevealAsync(Bob, id);
        SignIn(ConfidantRoles.Admin);
        var page = RenderPage();

        // The browser's zone is not known in the test: times are read as UTC (DomainHost starts at 12:00 UTC).
        await page.Find("#audit-from").ChangeAsync(new() { Value = "2026-03-01T12:05" });
        await page.Find("#audit-apply").ClickAsync();
        await page.WaitForAssertionAsync(() => Assert.Equal([("reveal", "bob@example.com")], Rows(page)));

        await page.Find("#audit-to").ChangeAsync(new() { Value = "2026-03-01T12:05" });
        await page.Find("#audit-apply").ClickAsync();
        await page.WaitForAssertionAsync(() => Assert.Contains("must be before its end", page.Find("#audit-error").TextContent, StringComparison.Ordinal));

        await page.Find("#audit-from").ChangeAsync(new() { Value = string.Empty });
        await page.Find("#audit-apply").ClickAsync();
        await page.WaitForAssertionAsync(() => Assert.Contains(("create", "alice@example.com"), Rows(page)));
        Assert.DoesNotContain(("reveal", "bob@example.com"), Rows(page));
        Assert.Empty(page.FindAll("#audit-error"));
    }

    [Fact]
    public async Task LoadMore_PastTheFirstPage_AppendsTheNextUntilTheEnd()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await Task.WhenAll(Enumerable.Range(0, 104).Select(_ => RevealAsync(Bob, id)));
        SignIn(ConfidantRoles.Admin);
        var page = RenderPage();
        await page.Find("#audit-actor").ChangeAsync(new() { Value = "bob@example.com" });
        await page.Find("#audit-apply").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Contains("100 records, newest first; more match", page.Find("#audit-count").TextContent, StringComparison.Ordinal));
        await page.Find("#audit-more").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Contains("104 records, newest first", page.Find("#audit-count").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("more match", page.Find("#audit-count").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#audit-more"));
    }

    [Fact]
    public async Task Render_ChainStatus_ShowsTheOpenChainAndWhatIsNotYetCovered()
    {
        await CreateCredentialAsync("prod-db");
        SignIn(ConfidantRoles.Admin);

        var page = RenderPage();

        var chain = page.Find($".audit-chain[data-chain='{Host.Get<AuditLog>().CurrentChainId}']");
        Assert.Contains("open", chain.TextContent, StringComparison.Ordinal);
        Assert.Contains("no checkpoint yet", chain.TextContent, StringComparison.Ordinal);
        Assert.Matches("[0-9]+ records? not yet covered", chain.TextContent);
    }

    [Theory]
    [InlineData(ConfidantRoles.Editor)]
    [InlineData(ConfidantRoles.Reader)]
    public async Task Render_BelowAdmin_NoTrail(string role)
    {
        await CreateCredentialAsync("prod-db");
        SignIn(role);

        var page = RenderPage();

        Assert.Equal("The audit trail is for admins.", page.Find("#audit-forbidden").TextContent);
        Assert.Empty(page.FindAll("#audit-table"));
        Assert.Empty(page.FindAll(".audit-chain"));
        Assert.Empty(page.FindAll("#audit-export-csv"));
    }

    private Task<Credential> RevealAsync(ConfidantPrincipal who, string id) => Host.Get<CredentialReader>().GetAsync(who, id);

    private IRenderedComponent<AuditTrail> RenderPage()
    {
        var page = Render<AuditTrail>();
        page.WaitForState(() => page.FindAll("#audit-forbidden").Count > 0 || page.FindAll("#audit-count").Count > 0);
        return page;
    }

    private static List<(string, string)> Rows(IRenderedComponent<AuditTrail> page) =>
        page.FindAll("tr.audit-row")
            .Select(r => (r.QuerySelector(".audit-action")!.TextContent, r.QuerySelector(".audit-actor")!.TextContent))
            .ToList();
}
