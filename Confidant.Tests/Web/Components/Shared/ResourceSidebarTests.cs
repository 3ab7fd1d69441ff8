using System.Security.Cryptography;
using Bunit;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Components.Shared;

public sealed class ResourceSidebarTests : ResourceComponentTestContext, IDisposable
{
    private readonly string? _memoryDirectory;

    public ResourceSidebarTests()
    {
        // Ten thousand commits to a file on disk wait on the disk; a memory-backed file keeps the same SQLite store fast.
        if (Directory.Exists("/dev/shm"))
        {
            _memoryDirectory = Directory.CreateDirectory(Path.Combine("/dev/shm", "confidant-tests-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)))).FullName;
            DomainSettings["Storage:Sqlite:Path"] = Path.Combine(_memoryDirectory, "confidant.db");
        }
    }

    [Fact]
    public async Task Render_AllKinds_ListsEachGroupedWithItsLink()
    {
        var credential = await CreateCredentialAsync("prod-db");
        var blind = await CreateBlindCredentialAsync("prod-signing");
        await CreateServiceAsync("prod-api");

        var sidebar = RenderSidebar();

        Assert.Equal(["Credentials", "Blind credentials", "Services"], sidebar.FindAll(".sidebar-group").Select(g => g.TextContent.Trim()));
        Assert.Equal(
            [("credential", $"/credentials/{credential.Item.Id}", "prod-db"), ("blind-credential", $"/blind-credentials/{blind.Id}", "prod-signing"), ("service", "/services/prod-api", "prod-api")],
            Items(sidebar));
    }

    [Fact]
    public async Task Render_ServiceIdWithReservedCharacters_EscapesItInTheLink()
    {
        await CreateServiceAsync("a b?c");

        var sidebar = RenderSidebar();

        Assert.Equal("/services/a%20b%3Fc", sidebar.Find("a.sidebar-item").GetAttribute("href"));
    }

    [Fact]
    public void Render_Always_OffersCreateButtons()
    {
        var sidebar = RenderSidebar();

        Assert.Equal("/credentials/new", sidebar.Find("#sidebar-new-credential").GetAttribute("href"));
        Assert.Equal("/services/new", sidebar.Find("#sidebar-new-service").GetAttribute("href"));
    }

    [Fact]
    public void Render_Nothing_SaysWhatToDoNext()
    {
        var sidebar = RenderSidebar();

        Assert.Contains("create a credential or a service", sidebar.Find("#sidebar-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_Words_NarrowsAcrossKinds()
    {
        await CreateCredentialAsync("prod-db");
        await CreateCredentialAsync("staging-db");
        await CreateBlindCredentialAsync("prod-signing");
        await CreateServiceAsync("staging-api");
        var sidebar = RenderSidebar();

        await sidebar.Find("#sidebar-filter").InputAsync("PROD");

        await sidebar.WaitForAssertionAsync(() => Assert.Equal(["prod-db", "prod-signing"], Names(sidebar)));
        Assert.Equal(["Credentials", "Blind credentials"], sidebar.FindAll(".sidebar-group").Select(g => g.TextContent.Trim()));
        Assert.Contains("2 of 4", sidebar.Find("#sidebar-count").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_Regex_NarrowsTheList()
    {
        await CreateCredentialAsync("prod-db");
        await CreateServiceAsync("staging-api");
        await CreateServiceAsync("prod-api");
        var sidebar = RenderSidebar();

        await sidebar.Find("#sidebar-filter").InputAsync("/-api$/");

        await sidebar.WaitForAssertionAsync(() => Assert.Equal(["prod-api", "staging-api"], Names(sidebar)));
    }

    [Fact]
    public async Task Filter_InvalidRegex_ShowsTheMessageAndKeepsTheList()
    {
        await CreateCredentialAsync("prod-db");
        var sidebar = RenderSidebar();

        await sidebar.Find("#sidebar-filter").InputAsync("/prod(/");

        await sidebar.WaitForAssertionAsync(() => Assert.Contains("Invalid regular expression", sidebar.Markup, StringComparison.Ordinal));
        Assert.Equal(["prod-db"], Names(sidebar));
    }

    [Fact]
    public async Task Filter_NoMatch_SaysSo()
    {
        await CreateCredentialAsync("prod-db");
        var sidebar = RenderSidebar();

        await sidebar.Find("#sidebar-filter").InputAsync("nothing-like-it");

        await sidebar.WaitForAssertionAsync(() => Assert.NotNull(sidebar.Find("#sidebar-no-match")));
        Assert.Empty(Names(sidebar));
    }

    [Fact]
    public async Task Navigate_AfterASaveElsewhere_ShowsTheNewItem()
    {
        await CreateCredentialAsync("prod-db");
        var sidebar = RenderSidebar();
        await CreateServiceAsync("new-api");

        Services.GetRequiredService<NavigationManager>().NavigateTo("/services/new-api");

        await sidebar.WaitForAssertionAsync(() => Assert.Equal(["prod-db", "new-api"], Names(sidebar)));
    }

    [Fact]
    public async Task Render_TenThousandEntries_RendersOnlyAWindow()
    {
        // Written straight to the store: the sidebar only lists, and 10,000 domain writes would dominate the run.
        var store = Host.Get<IConfidantStore>();
        for (var i = 0; i < 10_000; i++)
        {
            await store.WriteRevisionAsync(StoredItemSamples.Service(FormattableString.Invariant($"service-{i:D5}")));
        }

        var sidebar = RenderSidebar();

        Assert.Contains("10000 of 10000", sidebar.Find("#sidebar-count").TextContent, StringComparison.Ordinal);
        Assert.InRange(sidebar.FindAll("a.sidebar-item").Count, 1, 199);
    }

    [Fact]
    public async Task Render_CallerWithoutRole_SaysAccessIsMissing()
    {
        await CreateCredentialAsync("prod-db");
        SignIn();

        var sidebar = RenderSidebar();

        Assert.Contains("do not have access", sidebar.Find("#sidebar-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(Names(sidebar));
    }

    [Fact]
    public async Task Render_ScriptInName_RendersAsText()
    {
        const string name = "<script>alert(1)</script>";
        await CreateCredentialAsync(name);

        var sidebar = RenderSidebar();

        Assert.Equal([name], Names(sidebar));
        Assert.Empty(sidebar.FindAll("script"));
    }

    private IRenderedComponent<ResourceSidebar> RenderSidebar()
    {
        var sidebar = Render<ResourceSidebar>();
        sidebar.WaitForState(() => sidebar.FindAll(".mud-progress-linear").Count == 0);
        return sidebar;
    }

    private static List<string> Names(IRenderedComponent<ResourceSidebar> sidebar) =>
        sidebar.FindAll("a.sidebar-item .sidebar-item-name").Select(a => a.TextContent).ToList();

    private static List<(string Kind, string? Href, string Name)> Items(IRenderedComponent<ResourceSidebar> sidebar) =>
        sidebar.FindAll("a.sidebar-item").Select(a => (a.GetAttribute("data-kind")!, a.GetAttribute("href"), a.TextContent.Trim())).ToList();

    void IDisposable.Dispose()
    {
        if (_memoryDirectory is not null && Directory.Exists(_memoryDirectory))
        {
            Directory.Delete(_memoryDirectory, recursive: true);
        }
    }
}
