using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.BlindCredentials;

namespace Confidant.Tests.Web.Components.Pages.BlindCredentials;

public sealed class BlindCredentialDetailTests : ResourceComponentTestContext
{
    [Fact]
    public async Task Render_StoredBlindCredential_ShowsMetadata()
    {
        var blind = await CreateBlindCredentialAsync("signing-key", "private_key", "passphrase");

        var page = RenderPage(blind.Id);

        Assert.Equal("signing-key", page.Find("#blind-credential-name").TextContent.Trim());
        Assert.Equal("fernet, version 2", page.Find("#blind-credential-cipher").TextContent.Trim());
        Assert.Equal("eu-west-1, us-east-1", page.Find("#blind-credential-regions").TextContent.Trim());
        Assert.Equal("1", page.Find("#blind-credential-revision").TextContent.Trim());
        Assert.Equal("alice@example.com", page.Find("#blind-credential-modified-by").TextContent.Trim());
        Assert.Equal("yes", page.Find("#blind-credential-enabled").TextContent.Trim());
        Assert.Equal(["private_key", "passphrase"], page.FindAll(".blind-credential-key td:first-child").Select(c => c.TextContent));
        Assert.Equal("owner", page.Find(".blind-credential-metadata-row th").TextContent);
        Assert.Equal("payments", page.Find(".blind-credential-metadata-row td").TextContent);
        Assert.Equal("rotate with the client", page.Find("#blind-credential-documentation").TextContent.Trim());
        Assert.NotEmpty(page.FindAll("#blind-credential-metadata time.local-time"));
    }

    [Fact]
    public async Task Render_Always_SaysTheServerCannotDecryptAndOffersNoReveal()
    {
        var blind = await CreateBlindCredentialAsync("signing-key", "private_key");

        var page = RenderPage(blind.Id);

        // spec §4.4: only client-side ciphertext is stored, so neither the values nor a way to reveal them exist here.
        Assert.Contains("encrypted by the client; the server cannot decrypt it", page.Find("#blind-credential-sealed").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VhbGVk", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("a2V5", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("reveal", page.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(page.FindAll("button"));
    }

    [Fact]
    public async Task Render_MappedToServices_ListsThemWithLinks()
    {
        var blind = await CreateBlindCredentialAsync("signing-key", "private_key");
        await CreateServiceAsync("billing-api", blindCredentials: [blind.Id]);
        await CreateServiceAsync("unrelated-api");

        var page = RenderPage(blind.Id);

        Assert.Equal(["/services/billing-api"], page.FindAll(".blind-credential-service a").Select(a => a.GetAttribute("href")));
        Assert.Equal("billing-api", page.Find(".blind-credential-service a").TextContent.Trim());
    }

    [Fact]
    public async Task Render_NotMapped_SaysHowToMapIt()
    {
        var blind = await CreateBlindCredentialAsync("signing-key");

        var page = RenderPage(blind.Id);

        Assert.Contains("No service maps this blind credential yet", page.Find("#blind-credential-no-services").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("#blind-credential-no-keys"));
    }

    [Fact]
    public void Render_UnknownId_SaysNotFound()
    {
        var page = RenderPage("0123456789abcdef0123456789abcdef");

        Assert.Contains("does not exist", page.Find("#blind-credential-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_CredentialId_SaysItIsNotABlindCredential()
    {
        var credential = await CreateCredentialAsync("prod-db");

        var page = RenderPage(credential.Item.Id);

        Assert.NotNull(page.Find("#blind-credential-error"));
        Assert.Empty(page.FindAll("#blind-credential-metadata"));
    }

    [Fact]
    public async Task Render_CallerWithoutRole_DomainRefusesAndPageSaysSo()
    {
        var blind = await CreateBlindCredentialAsync("signing-key");
        SignIn();

        var page = RenderPage(blind.Id);

        Assert.Contains("do not have access", page.Find("#blind-credential-error").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("signing-key", page.Markup, StringComparison.Ordinal);
    }

    private IRenderedComponent<BlindCredentialDetail> RenderPage(string id)
    {
        var page = Render<BlindCredentialDetail>(parameters => parameters.Add(p => p.Id, id));
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }
}
