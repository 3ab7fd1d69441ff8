using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.History;

namespace Confidant.Tests.Web.Components.Pages.History;

public sealed class HistoryListTests : RevisionPagesTestContext
{
    [Fact]
    public async Task Render_ChangesOfEveryKind_MergedNewestFirst()
    {
        var credential = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("alpha-db", ("k", "v")));
        Later();
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        Later();
        await Blind.CreateAsync(DomainHost.Alice, BlindInput("gamma-key", "api_key"));
        Later();
        await Credentials.UpdateAsync(DomainHost.Alice, credential.Item.Id, TestData.Credential("alpha-db", ("k", "v2")));

        var page = RenderList();

        // Every revision record of every kind (spec §4.2, §4.4, §4.5 archive listings), merged by modified date.
        Assert.Equal(
            ["Credential alpha-db 2", "Blind credential gamma-key 1", "Service billing 1", "Credential alpha-db 1"],
            Rows(page));
        Assert.Equal($"/history/credential/{credential.Item.Id}", page.Find(".history-row a").GetAttribute("href"));
        Assert.Equal("/history/service/billing", page.FindAll(".history-row a")[2].GetAttribute("href"));
        Assert.Equal(4, page.FindAll(".history-row time.local-time").Count);
    }

    [Fact]
    public async Task Filter_ByName_NarrowsTheRows()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("staging-db", ("k", "v")));
        await Blind.CreateAsync(DomainHost.Alice, BlindInput("prod-blind", "api_key"));
        var page = RenderList();

        await page.Find("#history-filter").InputAsync("/^prod-d/");

        await page.WaitForAssertionAsync(() => Assert.Equal(["Credential prod-db 1"], Rows(page)));
        Assert.Contains("1 of 3", page.Find("#history-count").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_ByKind_ShowsOnlyThatKindUntilAllIsChosen()
    {
        var credential = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        await Blind.CreateAsync(DomainHost.Alice, BlindInput("prod-blind", "api_key"));
        var page = RenderList();

        await page.Find("#history-kind-service").ClickAsync(new());
        Assert.Equal(["Service billing 1"], Rows(page));
        Assert.Equal("true", page.Find("#history-kind-service").GetAttribute("aria-pressed"));

        await page.Find("#history-kind-blind-credential").ClickAsync(new());
        Assert.Equal(["Blind credential prod-blind 1"], Rows(page));

        await page.Find("#history-kind-all").ClickAsync(new());
        Assert.Equal(3, Rows(page).Count);
    }

    [Fact]
    public async Task Render_LongHistory_LoadsAPageAtATimeAndRendersOnlyAWindow()
    {
        var credential = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("busy", ("k", "0")));
        for (var i = 1; i < 150; i++)
        {
            await Credentials.UpdateAsync(DomainHost.Alice, credential.Item.Id, TestData.Credential("busy", ("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        var page = RenderList();

        // Paged: the newest 100 are read; virtualised: the DOM holds only the rows in view.
        Assert.Contains("100 of 100 changes loaded", page.Find("#history-count").TextContent, StringComparison.Ordinal);
        Assert.InRange(page.FindAll(".history-row").Count, 1, HistoryFeed.PageSize);
        Assert.Equal("Credential busy 150", Rows(page)[0]);

        await page.Find("#history-load-more").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Contains("150 of 150 changes, newest first", page.Find("#history-count").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("#history-load-more"));
        Assert.InRange(page.FindAll(".history-row").Count, 1, 149);
        Assert.Equal("Credential busy 150", Rows(page)[0]);
    }

    [Fact]
    public void Render_NoChanges_SaysWhatToDoNext()
    {
        var page = RenderList();

        Assert.Contains("No changes yet", page.Find("#history-empty").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".history-row"));
    }

    [Fact]
    public async Task Render_ScriptInName_RendersAsText()
    {
        const string name = "<img src=x onerror=alert(1)>";
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential(name, ("k", "v")));

        var page = RenderList();

        Assert.Equal([$"Credential {name} 1"], Rows(page));
        Assert.Empty(page.FindAll(".history-row img"));
        Assert.Contains("&lt;img src=x", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_CallerWithoutRole_DomainRefusesAndPageSaysSo()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        SignIn();

        var page = RenderList();

        Assert.Contains("do not have access", page.Find("#history-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".history-row"));
    }

    [Fact]
    public async Task Render_Reader_SeesTheHistory()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        SignIn(ConfidantRoles.Reader);

        var page = RenderList();

        Assert.Equal(["Credential prod-db 1"], Rows(page));
    }

    private IRenderedComponent<HistoryList> RenderList()
    {
        var page = Render<HistoryList>();
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    private static List<string> Rows(IRenderedComponent<HistoryList> page) =>
        page.FindAll(".history-row").Select(r => string.Join(' ',
            r.QuerySelector(".history-kind")!.TextContent.Trim(),
            r.QuerySelector(".history-name")!.TextContent,
            r.QuerySelector(".history-revision")!.TextContent.Replace("revision ", string.Empty, StringComparison.Ordinal))).ToList();
}
