using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Confidant.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Web.Components.Layout;

public sealed class MainLayoutTests : ResourceComponentTestContext
{
    [Fact]
    public void Render_DevelopmentMode_ShowsDevelopmentBanner()
    {
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = AuthOptions.DevelopmentMode }));

        var layout = RenderLayout();

        Assert.Contains("Development sign-in is active", layout.Find("#dev-banner").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OtherMode_HasNoDevelopmentBanner()
    {
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = "Oidc" }));

        var layout = RenderLayout();

        Assert.Empty(layout.FindAll("#dev-banner"));
    }

    [Fact]
    public void Render_SignedInUser_ShowsNameAndInteractiveMarker()
    {
        Services.AddSingleton(Options.Create(new AuthOptions()));
        Authorization.SetAuthorized("ada@example.com");

        var layout = RenderLayout();

        Assert.Equal("ada@example.com", layout.Find("#signed-in-name").TextContent.Trim());
        Assert.Equal("true", layout.Find("#circuit").GetAttribute("data-interactive"));
        Assert.NotNull(layout.Find("form[action='/signout'] button[type=submit]"));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(parameters => parameters.Add(p => p.Body, (RenderFragment)(builder => builder.AddContent(0, "page"))));
}
