using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Credentials;
using Confidant.Web.Components.Pages.History;
using Confidant.Web.Components.Shared;

// The folder mirrors Confidant.Web/Components/Shared, the Blazor layout (STYLE §2).
#pragma warning disable CA1716
namespace Confidant.Tests.Web.Components.Shared;
#pragma warning restore CA1716

/// <summary>The exposed badge, and where it shows: the sidebar, the lists and the history of one resource.</summary>
public sealed class ExposedBadgeTests : ResourceComponentTestContext
{
    [Fact]
    public void Render_Incidents_ABadgeNamingThemAndWhatIsPending()
    {
        var badge = Render<ExposedBadge>(p => p.Add(c => c.Incidents, ["INC-1", "INC-2"]).Add(c => c.Pending, ["password"]));
        var none = Render<ExposedBadge>(p => p.Add(c => c.Incidents, []));

        Assert.Equal("exposed", badge.Find(".exposed-badge").TextContent);
        Assert.Equal("Exposed (incident INC-1, INC-2); still to rotate: password", badge.Find(".exposed-badge").GetAttribute("title"));
        Assert.Empty(none.FindAll(".exposed-badge"));
    }

    [Fact]
    public async Task Sidebar_ExposedCredentialAndTheServiceMappingIt_BadgedOthersNot()
    {
        var exposed = await CreateCredentialAsync("leaked-db");
        await CreateCredentialAsync("fine-db");
        await CreateServiceAsync("web", [exposed.Item.Id]);
        await CreateServiceAsync("batch");
        await MarkAsync(exposed.Item.Id);

        var sidebar = Render<ResourceSidebar>();
        await sidebar.WaitForStateAsync(() => sidebar.FindAll("a.sidebar-item").Count == 4);

        Assert.Equal(
            ["leaked-db", "web"],
            sidebar.FindAll("a.sidebar-item").Where(a => a.QuerySelector(".exposed-badge") is not null)
                .Select(a => a.QuerySelector(".sidebar-item-name")!.TextContent));
    }

    [Fact]
    public async Task CredentialList_ExposedOneBadged()
    {
        var exposed = await CreateCredentialAsync("leaked-db");
        await CreateCredentialAsync("fine-db");
        await MarkAsync(exposed.Item.Id);

        var list = Render<CredentialList>();
        await list.WaitForStateAsync(() => list.FindAll(".credential-row").Count == 2);

        Assert.Equal(
            ["leaked-db"],
            list.FindAll(".credential-row").Where(r => r.QuerySelector(".exposed-badge") is not null).Select(r => r.QuerySelector("a")!.TextContent));
    }

    [Fact]
    public async Task History_OnlyTheMarkedRevisionBadged()
    {
        var credential = await CreateCredentialAsync("db");
        await Host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, credential.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("k", "v2")) });
        await MarkAsync(credential.Item.Id, revision: 1);
        SignIn(ConfidantRoles.Editor);

        var page = Render<ResourceHistory>(p => p.Add(c => c.Kind, "credential").Add(c => c.Id, credential.Item.Id));
        await page.WaitForStateAsync(() => page.FindAll(".revision-row").Count == 2);

        Assert.Equal(
            ["1"],
            page.FindAll(".revision-row").Where(r => r.QuerySelector(".exposed-badge") is not null).Select(r => r.GetAttribute("data-revision")));
    }

    private Task<IReadOnlyList<MarkStatus>> MarkAsync(string id, int? revision = null) =>
        Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, id, new ExposureInput("in a log", "INC-1", revision));
}
