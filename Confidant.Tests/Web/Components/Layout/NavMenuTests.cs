using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Layout;

namespace Confidant.Tests.Web.Components.Layout;

public sealed class NavMenuTests : ResourceComponentTestContext
{
    [Fact]
    public void Render_Always_LinksToHomeListsHistoryAndArchive()
    {
        var menu = Render<NavMenu>();

        Assert.Equal("Home", menu.Find("a[href='/']").TextContent.Trim());
        Assert.Equal("Credentials", menu.Find("a[href='/credentials']").TextContent.Trim());
        Assert.Equal("Blind credentials", menu.Find("a[href='/blind-credentials']").TextContent.Trim());
        Assert.Equal("History", menu.Find("a[href='/history']").TextContent.Trim());
        Assert.Equal("Archive", menu.Find("a[href='/archive']").TextContent.Trim());
    }

    [Fact]
    public void Render_Admin_LinksToTheAuditTrailIncidentsDeliveryLogAndReEncryption()
    {
        SignIn(Confidant.Services.Authorization.ConfidantRoles.Admin);

        var menu = Render<NavMenu>();

        Assert.Equal("Audit trail", menu.Find("a[href='/audit']").TextContent.Trim());
        Assert.Equal("Incidents", menu.Find("a[href='/incidents']").TextContent.Trim());
        Assert.Equal("Notifications", menu.Find("a[href='/notifications']").TextContent.Trim());
        Assert.Equal("Re-encryption", menu.Find("a[href='/rekey']").TextContent.Trim());
    }

    [Theory]
    [InlineData(Confidant.Services.Authorization.ConfidantRoles.Editor)]
    [InlineData(Confidant.Services.Authorization.ConfidantRoles.Reader)]
    public void Render_BelowAdmin_NoAuditTrailDeliveryLogOrReEncryptionLink(string role)
    {
        SignIn(role);

        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll("a[href='/audit']"));
        Assert.Empty(menu.FindAll("a[href='/notifications']"));
        Assert.Empty(menu.FindAll("a[href='/rekey']"));
        Assert.NotNull(menu.Find("a[href='/archive']"));
    }

    [Fact]
    public async Task Render_SignedIn_HoldsTheResourceSidebar()
    {
        await CreateCredentialAsync("prod-db");

        var menu = Render<NavMenu>();

        await menu.WaitForAssertionAsync(() => Assert.Equal("prod-db", menu.Find("a.sidebar-item").TextContent.Trim()));
        Assert.NotNull(menu.Find("#sidebar-filter"));
    }

    [Fact]
    public void Render_SignedOut_HasNoSidebar()
    {
        Authorization.SetNotAuthorized();

        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll(".resource-sidebar"));
    }
}
