using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages;

namespace Confidant.Tests.Web.Components.Pages;

public sealed class HomeTests : ResourceComponentTestContext
{
    [Fact]
    public void Render_Empty_SaysToCreateACredentialAndAService()
    {
        var page = RenderHome();

        Assert.Contains("No credentials yet — create one", page.Find("#home-no-credentials").TextContent, StringComparison.Ordinal);
        Assert.Equal("/credentials/new", page.Find("#home-no-credentials a").GetAttribute("href"));
        Assert.Equal("/services/new", page.Find("#home-no-services a").GetAttribute("href"));
        Assert.Equal("0", page.Find("#home-credential-count").TextContent.Trim());
    }

    [Fact]
    public async Task Render_StoredResources_ShowsCountsAndNoEmptyState()
    {
        await CreateCredentialAsync("prod-db");
        await CreateCredentialAsync("staging-db");
        await CreateBlindCredentialAsync("signing");
        await CreateServiceAsync("api");

        var page = RenderHome();

        Assert.Equal("2", page.Find("#home-credential-count").TextContent.Trim());
        Assert.Equal("1", page.Find("#home-blind-credential-count").TextContent.Trim());
        Assert.Equal("1", page.Find("#home-service-count").TextContent.Trim());
        Assert.Empty(page.FindAll("#home-no-credentials"));
        Assert.Empty(page.FindAll("#home-no-services"));
    }

    [Fact]
    public async Task Render_CallerWithoutRole_HidesCountsAndSaysWhy()
    {
        await CreateCredentialAsync("prod-db");
        SignIn();

        var page = RenderHome();

        Assert.Equal("—", page.Find("#home-credential-count").TextContent.Trim());
        Assert.NotNull(page.Find("#home-no-access"));
        Assert.Empty(page.FindAll("#home-no-credentials"));
    }

    private IRenderedComponent<Home> RenderHome()
    {
        var page = Render<Home>();
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }
}
