using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.BlindCredentials;

namespace Confidant.Tests.Web.Components.Pages.BlindCredentials;

public sealed class BlindCredentialListTests : ResourceComponentTestContext
{
    [Fact]
    public async Task Render_StoredBlindCredentials_ListsNamesLinkingToTheirPages()
    {
        var first = await CreateBlindCredentialAsync("b-signing");
        await CreateBlindCredentialAsync("a-tls");

        var page = RenderList();

        Assert.Equal(["a-tls", "b-signing"], Names(page));
        Assert.Contains($"/blind-credentials/{first.Id}", page.FindAll(".blind-credential-row a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Filter_Words_NarrowsTheList()
    {
        await CreateBlindCredentialAsync("prod-signing");
        await CreateBlindCredentialAsync("staging-signing");
        var page = RenderList();

        await page.Find("#blind-credential-filter").InputAsync("prod");

        await page.WaitForAssertionAsync(() => Assert.Equal(["prod-signing"], Names(page)));
    }

    [Fact]
    public async Task Filter_InvalidRegex_ShowsTheMessage()
    {
        await CreateBlindCredentialAsync("prod-signing");
        var page = RenderList();

        await page.Find("#blind-credential-filter").InputAsync("/(/");

        await page.WaitForAssertionAsync(() => Assert.Contains("Invalid regular expression", page.Markup, StringComparison.Ordinal));
        Assert.Equal(["prod-signing"], Names(page));
    }

    [Fact]
    public void Render_Nothing_SaysWhatToDoNext()
    {
        var page = RenderList();

        Assert.Contains("No blind credentials yet — create one", page.Find("#blind-credential-list-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_CallerWithoutRole_DomainRefusesAndPageSaysSo()
    {
        SignIn();

        var page = RenderList();

        Assert.Contains("do not have access", page.Find("#blind-credential-list-error").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<BlindCredentialList> RenderList()
    {
        var page = Render<BlindCredentialList>();
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    private static List<string> Names(IRenderedComponent<BlindCredentialList> page) =>
        page.FindAll(".blind-credential-row a").Select(a => a.TextContent).ToList();
}
