using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Layout;

namespace Confidant.Tests.Web.Components.Layout;

public sealed class NavMenuTests : ComponentTestContext
{
    [Fact]
    public void Render_Always_LinksToCredentials()
    {
        var menu = Render<NavMenu>();

        Assert.Equal("Credentials", menu.Find("a[href='/credentials']").TextContent.Trim());
    }
}
