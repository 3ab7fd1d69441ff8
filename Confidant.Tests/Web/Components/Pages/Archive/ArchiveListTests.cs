using Bunit;
using Confidant.Services.Authorization;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Archive;

namespace Confidant.Tests.Web.Components.Pages.Archive;

public sealed class ArchiveListTests : RevisionPagesTestContext
{
    [Fact]
    public async Task Render_ArchivedAndLiveCredentials_ListsArchivedOnly()
    {
        await ArchivedAsync("old-db");
        Later();
        await ArchivedAsync("old-cache");
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("live-db", ("k", "v")));

        var page = RenderList();

        // Spec §4.2 archive: only credentials moved to the archive table, most recently archived first.
        Assert.Equal(["old-cache", "old-db"], Names(page));
        Assert.Contains("revision 2", page.Find(".archive-row").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, page.FindAll(".archive-row time.local-time").Count);
        Assert.Empty(page.FindAll(".archive-row a"));
        Assert.Empty(page.FindAll(".archive-row button"));
    }

    [Fact]
    public async Task Filter_Words_NarrowsTheList()
    {
        await ArchivedAsync("old-db");
        await ArchivedAsync("old-cache");
        var page = RenderList();

        await page.Find("#archive-filter").InputAsync("cache");

        await page.WaitForAssertionAsync(() => Assert.Equal(["old-cache"], Names(page)));
    }

    [Fact]
    public async Task Render_NothingArchived_SaysHowToArchive()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("live-db", ("k", "v")));

        var page = RenderList();

        Assert.Contains("Nothing is archived", page.Find("#archive-empty").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".archive-row"));
    }

    [Fact]
    public async Task Render_ScriptInName_RendersAsText()
    {
        const string name = "<script>alert(1)</script>";
        await ArchivedAsync(name);

        var page = RenderList();

        Assert.Equal([name], Names(page));
        Assert.Empty(page.FindAll("script"));
    }

    [Fact]
    public async Task Render_CallerWithoutRole_DomainRefusesAndPageSaysSo()
    {
        await ArchivedAsync("old-db");
        SignIn();

        var page = RenderList();

        Assert.Contains("do not have access", page.Find("#archive-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".archive-row"));
    }

    [Fact]
    public async Task Render_Reader_SeesTheArchive()
    {
        await ArchivedAsync("old-db");
        SignIn(ConfidantRoles.Reader);

        var page = RenderList();

        Assert.Equal(["old-db"], Names(page));
    }

    private async Task ArchivedAsync(string name)
    {
        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential(name, ("k", "v")));
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential(name, ("k", "v")) with { Enabled = false });
        Assert.True(await Credentials.ArchiveAsync(DomainHost.Alice, created.Item.Id, force: true));
    }

    private IRenderedComponent<ArchiveList> RenderList()
    {
        var page = Render<ArchiveList>();
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    private static List<string> Names(IRenderedComponent<ArchiveList> page) =>
        page.FindAll(".archive-row .archive-name").Select(e => e.TextContent).ToList();
}
