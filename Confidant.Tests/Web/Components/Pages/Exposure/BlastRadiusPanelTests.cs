using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Exposure;

namespace Confidant.Tests.Web.Components.Pages.Exposure;

/// <summary>The exposure panel of a credential: its marks, what is pending, and the blast radius read from real reads.</summary>
public sealed class BlastRadiusPanelTests : ResourceComponentTestContext
{
    [Fact]
    public async Task Render_MarkedAndRead_MarksPendingServicesPrincipalsAndDuplicates()
    {
        var credential = await Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "leaked")));
        var id = credential.Item.Id;
        await Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("copy", ("token", "leaked")));
        await CreateServiceAsync("web", [id]);
        await Host.Get<ServiceMappingService>().GetAsync(ConfidantPrincipal.ForService("web"), "web");
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, id, new ExposureInput("in a log", "INC-3"));

        var panel = RenderPanel(id, ConfidantRoles.Editor);

        Assert.Equal("INC-3", panel.Find(".exposure-incident").TextContent.Trim());
        Assert.Equal("in a log", panel.Find(".exposure-reason").TextContent.Trim());
        Assert.Contains("Still to rotate: password", panel.Find(".exposure-pending").TextContent, StringComparison.Ordinal);
        Assert.Equal("web", panel.Find("#blast-services-now").TextContent.Trim());
        Assert.Equal("web (revision 1)", panel.Find("#blast-services-then").TextContent.Trim());
        Assert.Equal(
            ["alice@example.com (user)", "web (service)"],
            panel.FindAll(".blast-principal-name").Select(p => p.TextContent.Trim()).Order(StringComparer.Ordinal));
        var duplicate = panel.Find(".blast-duplicate");
        Assert.Equal("copy", duplicate.QuerySelector("a")!.TextContent.Trim());
        Assert.Contains("token (same value as password)", duplicate.TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("#blast-not-fingerprinted"));
        Assert.DoesNotContain("leaked", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_RotatedAfterwards_ShowsTheMarkCleared()
    {
        var credential = await CreateCredentialAsync("db");
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, credential.Item.Id, new ExposureInput("in a log", "INC-3"));
        await Host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, credential.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("k", "fresh")) });

        var panel = RenderPanel(credential.Item.Id, ConfidantRoles.Editor);

        Assert.Empty(panel.FindAll(".exposure-pending"));
        Assert.Contains("every exposed value was replaced (revision 2 by alice@example.com)", panel.Find(".exposure-cleared").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NeverMarkedOrReader_Nothing()
    {
        var marked = await CreateCredentialAsync("marked");
        var plain = await CreateCredentialAsync("plain");
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, marked.Item.Id, new ExposureInput("r", "INC-3"));

        var unmarked = RenderPanel(plain.Item.Id, ConfidantRoles.Editor);
        var forReader = RenderPanel(marked.Item.Id, ConfidantRoles.Reader);

        Assert.Empty(unmarked.FindAll("#exposure-panel"));
        Assert.Empty(forReader.FindAll("#exposure-panel"));
        Assert.Empty(forReader.FindAll("#exposure-panel-error"));
    }

    private IRenderedComponent<BlastRadiusPanel> RenderPanel(string id, string role) => Render<BlastRadiusPanel>(p => p
        .Add(c => c.Caller, ConfidantPrincipal.ForUser("ed@example.com", roles: new HashSet<string> { role }))
        .Add(c => c.ResourceType, AclResources.Credential)
        .Add(c => c.ResourceId, id));
}
