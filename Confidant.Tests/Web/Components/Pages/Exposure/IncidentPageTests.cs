using System.Text.Json;
using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Exposure;

namespace Confidant.Tests.Web.Components.Pages.Exposure;

/// <summary>An incident's page: progress, then each resource with what is still to rotate, its owners and services.</summary>
public sealed class IncidentPageTests : ResourceComponentTestContext
{
    [Fact]
    public async Task Render_OneOfTwoRotated_ProgressAndPendingFirstWithOwners()
    {
        var credentials = Host.Get<CredentialService>();
        var db = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")) with
        {
            Metadata = JsonDocument.Parse("{\"owner\": \"dba@example.com\"}").RootElement.Clone(),
        });
        var api = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("api", ("token", "t1")));
        await CreateServiceAsync("web", [db.Item.Id, api.Item.Id]);
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Service, "web", new ExposureInput("host compromised", "INC-5"));
        await credentials.UpdateAsync(DomainHost.Alice, api.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("token", "t2")) });
        SignIn(ConfidantRoles.Editor);

        var page = Render<IncidentPage>(p => p.Add(c => c.Incident, "INC-5"));
        await page.WaitForStateAsync(() => page.FindAll(".incident-resource").Count > 0);

        Assert.Equal("1 of 2 rotated, 1 pending.", page.Find("#incident-progress").TextContent.Trim());
        var rows = page.FindAll(".incident-resource");
        Assert.Equal(["false", "true"], rows.Select(r => r.GetAttribute("data-rotated")));
        Assert.Equal($"/credentials/{db.Item.Id}", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("password", rows[0].QuerySelector(".incident-pending-keys")!.TextContent.Trim());
        Assert.Equal("dba@example.com", rows[0].QuerySelector(".incident-owners")!.TextContent.Trim());
        Assert.Equal("web", rows[0].QuerySelector(".incident-services")!.TextContent.Trim());
        Assert.Equal("token", rows[1].QuerySelector(".incident-rotated-keys")!.TextContent.Trim());
        Assert.Equal("payments", rows[1].QuerySelector(".incident-owners")!.TextContent.Trim());
    }

    [Fact]
    public async Task Render_IncidentList_LinksEachIncidentWithItsPendingCount()
    {
        var db = await CreateCredentialAsync("db");
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, db.Item.Id, new ExposureInput("r", "INC-5"));
        SignIn(ConfidantRoles.Editor);

        var page = Render<IncidentList>();
        await page.WaitForStateAsync(() => page.FindAll(".incident-row").Count > 0);

        var row = Assert.Single(page.FindAll(".incident-row"));
        Assert.Equal("/incidents/INC-5", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("1", row.QuerySelector(".incident-pending")!.TextContent.Trim());
    }

    [Fact]
    public async Task Render_AdminWithSomethingPending_NotifyOwnersLinksToTheNotifyPage()
    {
        var db = await CreateCredentialAsync("db");
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, db.Item.Id, new ExposureInput("r", "INC:5.a"));
        SignIn(ConfidantRoles.Admin);

        var page = Render<IncidentPage>(p => p.Add(c => c.Incident, "INC:5.a"));
        await page.WaitForStateAsync(() => page.FindAll(".incident-resource").Count > 0);

        var link = page.Find("a#incident-notify");
        Assert.Equal("/incidents/INC%3A5.a/notify", link.GetAttribute("href"));
        Assert.Equal("Notify owners", link.TextContent.Trim());
    }

    [Fact]
    public async Task Render_EditorOrAllRotated_NoNotifyOwnersLink()
    {
        var credentials = Host.Get<CredentialService>();
        var db = await CreateCredentialAsync("db");
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, db.Item.Id, new ExposureInput("r", "INC-5"));
        SignIn(ConfidantRoles.Editor);
        var asEditor = Render<IncidentPage>(p => p.Add(c => c.Incident, "INC-5"));
        await asEditor.WaitForStateAsync(() => asEditor.FindAll(".incident-resource").Count > 0);
        Assert.Empty(asEditor.FindAll("#incident-notify"));

        await credentials.UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("k", "rotated")) });
        SignIn(ConfidantRoles.Admin);
        var allRotated = Render<IncidentPage>(p => p.Add(c => c.Incident, "INC-5"));
        await allRotated.WaitForStateAsync(() => allRotated.FindAll(".incident-resource").Count > 0);
        Assert.Equal("1 of 1 rotated, 0 pending.", allRotated.Find("#incident-progress").TextContent.Trim());
        Assert.Empty(allRotated.FindAll("#incident-notify"));
    }

    [Fact]
    public void Render_Reader_TheDomainsRefusal()
    {
        SignIn(ConfidantRoles.Reader);

        var page = Render<IncidentPage>(p => p.Add(c => c.Incident, "INC-5"));

        page.WaitForAssertion(() => Assert.Equal("alice@example.com does not have access to incidents", page.Find("#incident-error").TextContent.Trim()));
    }
}
