using Bunit;
using Confidant.Services.Authorization;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Services;

namespace Confidant.Tests.Web.Components.Pages.Services;

public sealed class ServiceListTests : ServiceComponentTestContext
{
    [Fact]
    public async Task Render_StoredServices_ListsThemLinkingToTheirPages()
    {
        var db = await CreateCredentialAsync("db", true, "password");
        await CreateServiceAsync("payments-api", db);
        await CreateServiceAsync("billing-worker");

        var page = await RenderListAsync();

        Assert.Equal(["billing-worker", "payments-api"], Names(page));
        Assert.Equal("/services/payments-api", page.FindAll(".service-row a")[1].GetAttribute("href"));
        Assert.Contains("1 mapped", page.FindAll(".service-row")[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_WordsAndRegex_NarrowTheList()
    {
        await CreateServiceAsync("payments-api");
        await CreateServiceAsync("payments-worker");
        await CreateServiceAsync("billing-api");
        var page = await RenderListAsync();

        await page.Find("#service-filter").InputAsync("API pay");
        await page.WaitForAssertionAsync(() => Assert.Equal(["payments-api"], Names(page)));

        await page.Find("#service-filter").InputAsync("/^bill/");
        await page.WaitForAssertionAsync(() => Assert.Equal(["billing-api"], Names(page)));

        await page.Find("#service-filter").InputAsync("nothing-like-this");
        await page.WaitForAssertionAsync(() => Assert.Single(page.FindAll("#service-list-no-match")));
    }

    [Fact]
    public async Task Render_DisabledService_IsMarked()
    {
        await CreateServiceAsync("on");
        await Mappings.PutAsync(DomainHost.Alice, "off", new() { Enabled = false });

        var page = await RenderListAsync();

        var rows = page.FindAll(".service-row");
        Assert.Single(rows[0].QuerySelectorAll(".service-disabled"));
        Assert.Empty(rows[1].QuerySelectorAll(".service-disabled"));
    }

    [Fact]
    public async Task Render_NoServices_SaysWhatToDoNext()
    {
        var page = await RenderListAsync();

        Assert.Contains("No services yet — create one", page.Find("#service-list-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Admin_OffersNewService()
    {
        var page = await RenderListAsync();

        Assert.Equal("/services/new", page.Find("#new-service").GetAttribute("href"));
    }

    [Fact]
    public async Task Render_Editor_OffersNoNewService()
    {
        // Creating a service takes the admin role (spec §3).
        SignIn(ConfidantRoles.Editor);

        var page = await RenderListAsync();

        Assert.Empty(page.FindAll("#new-service"));
    }

    [Fact]
    public async Task Render_CallerWithoutRole_DomainRefusesAndPageSaysSo()
    {
        await CreateServiceAsync("payments-api");
        SignIn();

        var page = Render<ServiceList>();

        await page.WaitForAssertionAsync(() => Assert.Contains("do not have access", page.Find("#service-list-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll(".service-row"));
    }

    [Fact]
    public async Task Render_ManyServices_RendersOnlyAWindowOfRows()
    {
        for (var i = 0; i < 120; i++)
        {
            await CreateServiceAsync(FormattableString.Invariant($"service-{i:D3}"));
        }

        var page = await RenderListAsync();

        Assert.Contains("120 of 120", page.Find("#service-count").TextContent, StringComparison.Ordinal);
        Assert.InRange(page.FindAll(".service-row").Count, 1, 119);
    }

    [Fact]
    public async Task Render_ScriptInId_RendersAsText()
    {
        // Service ids may not hold '/', so the payload is an unclosed element.
        const string id = "<b onmouseover=alert(1)>x";
        await CreateServiceAsync(id);

        var page = await RenderListAsync();

        Assert.Equal([id], Names(page));
        Assert.Empty(page.FindAll("b"));
        Assert.Contains("&lt;b onmouseover", page.Markup, StringComparison.Ordinal);
        Assert.Equal("/services/" + Uri.EscapeDataString(id), page.Find(".service-row a").GetAttribute("href"));
    }

    private async Task<IRenderedComponent<ServiceList>> RenderListAsync()
    {
        var page = Render<ServiceList>();
        await page.WaitForStateAsync(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    private static List<string> Names(IRenderedComponent<ServiceList> page) =>
        page.FindAll(".service-row a").Select(a => a.TextContent).ToList();
}
