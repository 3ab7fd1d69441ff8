using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Credentials;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Components.Pages.Credentials;

public sealed class CredentialListTests : ComponentTestContext, IAsyncLifetime
{
    private DomainHost _host = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _host = await DomainHost.StartAsync();
        Services.AddSingleton(_host.Get<CredentialReader>());
        Services.AddSingleton(_host.Get<Confidant.Services.Exposure.ExposureIndex>());
        Services.AddSingleton(_host.Get<Confidant.Services.Catalogue.ResourceCatalogue>());
        SignIn(ConfidantRoles.Reader);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Render_StoredCredentials_ListsNamesLinkingToTheirPages()
    {
        var created = await CreateAsync("prod-db");
        await CreateAsync("staging-cache");

        var page = RenderList();

        Assert.Equal(["prod-db", "staging-cache"], Names(page));
        Assert.Equal($"/credentials/{created.Item.Id}", page.Find(".credential-row a").GetAttribute("href"));
    }

    [Fact]
    public async Task Filter_Words_NarrowsTheList()
    {
        await CreateAsync("prod-db");
        await CreateAsync("prod-cache");
        await CreateAsync("staging-db");
        var page = RenderList();

        await page.Find("#credential-filter").InputAsync("DB prod");

        await page.WaitForAssertionAsync(() => Assert.Equal(["prod-db"], Names(page)));
    }

    [Fact]
    public async Task Filter_Regex_NarrowsTheList()
    {
        await CreateAsync("prod-db");
        await CreateAsync("staging-db");
        var page = RenderList();

        await page.Find("#credential-filter").InputAsync("/^stag/");

        await page.WaitForAssertionAsync(() => Assert.Equal(["staging-db"], Names(page)));
    }

    [Fact]
    public async Task Filter_InvalidRegex_ShowsTheMessage()
    {
        await CreateAsync("prod-db");
        var page = RenderList();

        await page.Find("#credential-filter").InputAsync("/prod(/");

        await page.WaitForAssertionAsync(() => Assert.Contains("Invalid regular expression", page.Markup, StringComparison.Ordinal));
        Assert.Equal(["prod-db"], Names(page));
    }

    [Fact]
    public async Task Render_ManyCredentials_RendersOnlyAWindowOfRows()
    {
        for (var i = 0; i < 150; i++)
        {
            await CreateAsync(FormattableString.Invariant($"credential-{i:D3}"));
        }

        var page = RenderList();

        // Virtualized: the count covers every credential, the DOM only the rows in view.
        Assert.Contains("150 of 150", page.Find("#credential-count").TextContent, StringComparison.Ordinal);
        Assert.InRange(page.FindAll(".credential-row").Count, 1, 149);
    }

    [Fact]
    public void Render_NoCredentials_SaysWhatToDoNext()
    {
        var page = RenderList();

        page.WaitForAssertion(() => Assert.Contains("No credentials yet — create one", page.Find("#credential-list-empty").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Render_ScriptInName_RendersAsText()
    {
        const string name = "<script>alert(1)</script>";
        await CreateAsync(name);

        var page = RenderList();

        Assert.Equal([name], Names(page));
        Assert.Empty(page.FindAll("script"));
        Assert.Contains("&lt;script&gt;", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_CallerWithoutRole_DomainRefusesAndPageSaysSo()
    {
        SignIn();

        var page = RenderList();

        page.WaitForAssertion(() => Assert.Contains("do not have access", page.Find("#credential-list-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll(".credential-row"));
    }

    private Task<Credential> CreateAsync(string name) =>
        _host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential(name, ("k", "v")));

    private IRenderedComponent<CredentialList> RenderList()
    {
        var page = Render<CredentialList>();
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    private static List<string> Names(IRenderedComponent<CredentialList> page) =>
        page.FindAll(".credential-row a").Select(a => a.TextContent).ToList();
}
