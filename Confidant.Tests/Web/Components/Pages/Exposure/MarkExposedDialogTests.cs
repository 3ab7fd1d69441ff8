using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Exposure;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Credentials;
using MudBlazor;

namespace Confidant.Tests.Web.Components.Pages.Exposure;

/// <summary>The "Mark exposed" dialog on a credential's page, marking through the domain.</summary>
public sealed class MarkExposedDialogTests : ResourceComponentTestContext
{
    [Fact]
    public async Task Confirm_IncidentAndReason_MarkStoredAndThePageShowsTheBadgeAndPanel()
    {
        var credential = await CreateCredentialAsync("db");
        SignIn(ConfidantRoles.Admin);
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage(credential.Item.Id);
        Assert.Empty(page.FindAll(".exposed-badge"));

        var open = page.Find("#mark-exposed").ClickAsync(new());
        await dialogs.WaitForElementAsync("#confirm-exposure");
        await dialogs.Find("#exposure-incident").ChangeAsync(new() { Value = "INC-12" });
        await dialogs.Find("#exposure-reason").ChangeAsync(new() { Value = "pasted into a ticket" });
        await dialogs.Find("#confirm-exposure").ClickAsync(new());
        await open;

        var mark = Assert.Single(await Host.Get<ExposureIndex>().ReadAsync());
        Assert.Equal(("INC-12", "pasted into a ticket", "alice@example.com"), (mark.Incident, mark.Reason, mark.MarkedBy));
        await page.WaitForAssertionAsync(() => Assert.Contains("INC-12", page.Find(".exposed-badge").GetAttribute("title"), StringComparison.Ordinal));
        await page.WaitForAssertionAsync(() => Assert.Contains("Still to rotate: k", page.Find(".exposure-pending").TextContent, StringComparison.Ordinal));
        Assert.Empty(dialogs.FindAll("#confirm-exposure"));
    }

    [Fact]
    public async Task Confirm_NoReason_TheDomainsRefusalStaysInTheDialogAndNothingIsMarked()
    {
        var credential = await CreateCredentialAsync("db");
        SignIn(ConfidantRoles.Admin);
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage(credential.Item.Id);

        _ = page.Find("#mark-exposed").ClickAsync(new());
        await dialogs.WaitForElementAsync("#confirm-exposure");
        await dialogs.Find("#exposure-incident").ChangeAsync(new() { Value = "INC-12" });
        await dialogs.Find("#confirm-exposure").ClickAsync(new());

        await dialogs.WaitForAssertionAsync(() => Assert.Equal("reason is a required field", dialogs.Find("#exposure-error").TextContent.Trim()));
        Assert.Empty(await Host.Get<ExposureIndex>().ReadAsync());
        Assert.NotNull(dialogs.Find("#confirm-exposure"));
    }

    [Theory]
    [InlineData(ConfidantRoles.Editor)]
    [InlineData(ConfidantRoles.Reader)]
    public async Task Render_BelowTheMarkRole_NoButton(string role)
    {
        var credential = await CreateCredentialAsync("db");
        SignIn(role);

        var page = RenderPage(credential.Item.Id);

        Assert.Equal("db", page.Find("#credential-heading").TextContent);
        Assert.Empty(page.FindAll("#mark-exposed"));
    }

    private IRenderedComponent<CredentialPage> RenderPage(string id)
    {
        var page = Render<CredentialPage>(parameters => parameters.Add(p => p.Id, id));
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }
}
