using System.Globalization;
using Bunit;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.History;
using Confidant.Web.Components.Shared;
using MudBlazor;

namespace Confidant.Tests.Web.Components.Pages.History;

public sealed class ResourceHistoryTests : RevisionPagesTestContext
{
    private const string OldSecret = "old-secret-a1";
    private const string NewSecret = "new-secret-a2";
    private const string KeptSecret = "kept-secret-b";
    private const string GoneSecret = "gone-secret-c";
    private const string AddedSecret = "added-secret-d";

    [Fact]
    public async Task Render_Credential_ListsRevisionsNewestFirst()
    {
        var id = await CredentialWithThreeRevisionsAsync();

        var page = RenderPage("credential", id);

        Assert.Equal([3, 2, 1], Revisions(page));
        Assert.Contains("current", page.Find(".revision-row[data-revision='3']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Default_DiffsNewestAgainstPreviousWithMaskedValues()
    {
        var id = await ChangedPairsAsync();

        var page = RenderPage("credential", id);

        var diff = page.Find("#diff-view");
        Assert.Contains("Revision 1 (old)", diff.TextContent, StringComparison.Ordinal);
        Assert.Contains("Revision 2 (new)", diff.TextContent, StringComparison.Ordinal);
        // Keys by status from the domain diff (spec §4.2): a changed value, a removed key, an added key, one kept.
        Assert.Equal("changed", PairStatus(page, "a"));
        Assert.Equal("unchanged", PairStatus(page, "b"));
        Assert.Equal("removed", PairStatus(page, "c"));
        Assert.Equal("added", PairStatus(page, "d"));
        Assert.Contains(RevisionDiff.Mask, diff.TextContent, StringComparison.Ordinal);
        AssertNoSecretIn(page.Markup);
    }

    [Fact]
    public async Task Reveal_Editor_ShowsValuesAndRecordsTheReveal()
    {
        var id = await ChangedPairsAsync();
        var page = RenderPage("credential", id);

        await page.Find("#diff-reveal").ClickAsync(new());

        var pair = page.FindAll("#diff-view tr.diff-pair").Single(r => r.QuerySelector("th")!.TextContent.Contains("Pair: a", StringComparison.Ordinal));
        Assert.Equal(OldSecret, pair.QuerySelector("td.diff-old")!.TextContent);
        Assert.Equal(NewSecret, pair.QuerySelector("td.diff-new")!.TextContent);
        Assert.DoesNotContain(RevisionDiff.Mask, page.Find("#diff-view").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#diff-reveal"));
        // Both revisions came in one delivery, which lists them.
        var diff = Assert.Single((await Audit.QueryAsync(new AuditQuery(ResourceId: id))).Records.Select(r => r.Entry), e => e.Origin.Channel == AuditChannels.Ui);
        Assert.Equal(AuditActions.Diff, diff.Action);
        Assert.Equal([1, 2], diff.Items.Select(i => i.Revision ?? 0));
        Assert.Equal(Email, diff.Actor.Name);
    }

    [Fact]
    public async Task Hide_AfterReveal_MasksTheValuesAgain()
    {
        var id = await ChangedPairsAsync();
        var page = RenderPage("credential", id);
        await page.Find("#diff-reveal").ClickAsync(new());

        await page.Find("#diff-hide").ClickAsync(new());

        AssertNoSecretIn(page.Markup);
        Assert.Equal("changed", PairStatus(page, "a"));
        Assert.NotNull(page.Find("#diff-reveal"));
    }

    [Fact]
    public async Task Render_CallerWithoutRole_ShowsTheDomainRefusal()
    {
        var id = await ChangedPairsAsync();
        SignIn();

        var page = RenderPage("credential", id);

        Assert.Contains("Not allowed", page.Find("#history-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".revision-row"));
        AssertNoSecretIn(page.Markup);
    }

    [Fact]
    public async Task Render_Reader_OffersNeitherRevealNorRevertAndTheDomainRefusesAReveal()
    {
        var id = await CredentialWithThreeRevisionsAsync();
        SignIn(ConfidantRoles.Reader);

        var page = RenderPage("credential", id);
        await page.Find("#diff-older").ClickAsync(new());

        Assert.NotNull(page.Find("#diff-view"));
        Assert.Empty(page.FindAll("#diff-reveal"));
        Assert.Empty(page.FindAll("#revert-button"));
        var refused = await Assert.ThrowsAsync<ConfidantException>(() => Reader.GetRevisionAsync(Person(ConfidantRoles.Reader), id, 1, metadataOnly: false));
        Assert.Equal(ConfidantErrorKind.Forbidden, refused.Kind);
        AssertNoSecretIn(page.Markup);
    }

    [Fact]
    public async Task OlderAndNewer_MoveThePairOfRevisions()
    {
        var id = await CredentialWithThreeRevisionsAsync();
        var page = RenderPage("credential", id);
        Assert.True(page.Find("#diff-newer").HasAttribute("disabled"));

        await page.Find("#diff-older").ClickAsync(new());

        Assert.Contains("Revision 1 (old)", page.Find("#diff-view").TextContent, StringComparison.Ordinal);
        Assert.Contains("Revision 2 (new)", page.Find("#diff-view").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("#diff-older").HasAttribute("disabled"));

        await page.Find("#diff-newer").ClickAsync(new());
        Assert.Contains("Revision 3 (new)", page.Find("#diff-view").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pick_AnyTwoRevisions_PutsTheOlderOnTheLeft()
    {
        var id = await CredentialWithThreeRevisionsAsync();
        var page = RenderPage("credential", id);

        await page.Find(".revision-row[data-revision='1'] .pick-new").ClickAsync(new());

        // Picked as new 1 against old 2: still shown old left, new right.
        Assert.Contains("Revision 1 (old)", page.Find("#diff-view").TextContent, StringComparison.Ordinal);
        Assert.Contains("Revision 2 (new)", page.Find("#diff-view").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find(".revision-row[data-revision='1'] .pick-new").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task Revert_Confirmed_WritesTheNextRevisionEqualToTheChosenOne()
    {
        var id = await CredentialWithThreeRevisionsAsync();
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage("credential", id);
        // The default pair is 2 against 3: the older side is the one a revert goes back to.
        Assert.Contains("Revert to revision 2", page.Find("#revert-button").TextContent, StringComparison.Ordinal);

        var revert = page.Find("#revert-button").ClickAsync(new());
        await dialogs.WaitForElementAsync("#confirm-revert");
        await dialogs.Find("#confirm-revert").ClickAsync(new());
        await revert;

        // Spec §9.2: a revert is a new revision whose content copies the chosen one.
        await page.WaitForAssertionAsync(() => Assert.Equal([4, 3, 2, 1], Revisions(page)));
        Assert.Contains("revision 4 is now current", page.Find("#history-success").TextContent, StringComparison.Ordinal);
        var current = await Reader.GetAsync(DomainHost.Alice, id);
        var chosen = await Reader.GetRevisionAsync(DomainHost.Alice, id, 2, metadataOnly: false);
        Assert.Equal(4, current.Item.Revision);
        Assert.Equal(chosen.Item.Name, current.Item.Name);
        Assert.Equal(chosen.Pairs, current.Pairs);
        Assert.Equal(Email, current.Item.ModifiedBy);
    }

    [Fact]
    public async Task Revert_Cancelled_ChangesNothing()
    {
        var id = await CredentialWithThreeRevisionsAsync();
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage("credential", id);

        var revert = page.Find("#revert-button").ClickAsync(new());
        await dialogs.WaitForElementAsync("#cancel-revert");
        await dialogs.Find("#cancel-revert").ClickAsync(new());
        await revert;

        Assert.Equal(3, (await Reader.GetAsync(DomainHost.Alice, id)).Item.Revision);
        Assert.Equal([3, 2, 1], Revisions(page));
        Assert.Empty(page.FindAll("#history-success"));
        Assert.Empty(page.FindAll("#history-error"));
    }

    [Fact]
    public async Task Revert_ChangedMeanwhile_ReportsTheConflictAndOffersToReload()
    {
        var id = await CredentialWithThreeRevisionsAsync();
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage("credential", id);
        await Credentials.UpdateAsync(DomainHost.Alice, id, TestData.Credential("db", ("a", "meanwhile")));

        var revert = page.Find("#revert-button").ClickAsync(new());
        await dialogs.WaitForElementAsync("#confirm-revert");
        await dialogs.Find("#confirm-revert").ClickAsync(new());
        await revert;

        Assert.Contains("Reload", page.Find("#history-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, (await Reader.GetAsync(DomainHost.Alice, id)).Item.Revision);
        await page.Find("#history-reload").ClickAsync(new());
        Assert.Equal([4, 3, 2, 1], Revisions(page));
        Assert.Empty(page.FindAll("#history-error"));
    }

    [Fact]
    public async Task Revert_IdenticalContent_ShowsTheDomainRefusal()
    {
        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("a", "1")));
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential("db", ("a", "2")));
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential("db", ("a", "1")));
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage("credential", created.Item.Id);
        await page.Find(".revision-row[data-revision='1'] .pick-new").ClickAsync(new());

        var revert = page.Find("#revert-button").ClickAsync(new());
        await dialogs.WaitForElementAsync("#confirm-revert");
        await dialogs.Find("#confirm-revert").ClickAsync(new());
        await revert;

        Assert.Contains(ErrorMessages.NoDifferenceCredential, page.Find("#history-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(3, (await Reader.GetAsync(DomainHost.Alice, created.Item.Id)).Item.Revision);
    }

    [Fact]
    public async Task Revert_Service_RestoresTheOldMapping()
    {
        var one = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("one", ("a", "1")));
        var two = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("two", ("b", "2")));
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [one.Item.Id] });
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [one.Item.Id, two.Item.Id] });
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage("service", "billing");

        Assert.Contains("diff-changed", Row(page, "Credentials").ClassName, StringComparison.Ordinal);
        var revert = page.Find("#revert-button").ClickAsync(new());
        await dialogs.WaitForElementAsync("#confirm-revert");
        await dialogs.Find("#confirm-revert").ClickAsync(new());
        await revert;

        var revisions = await Mappings.ListRevisionsAsync(DomainHost.Alice, "billing");
        Assert.Equal(3, revisions.Count);
        Assert.Equal([one.Item.Id], revisions[^1].Credentials);
    }

    [Fact]
    public async Task Render_BlindCredential_DiffShowsKeyChanges()
    {
        var created = await Blind.CreateAsync(DomainHost.Alice, BlindInput("blind", "api_key"));
        await Blind.UpdateAsync(DomainHost.Alice, created.Id, BlindInput("blind", "api_key", "token"));

        var page = RenderPage("blind-credential", created.Id);

        Assert.Equal([2, 1], Revisions(page));
        Assert.Equal("added", PairStatus(page, "token"));
        Assert.Equal("unchanged", PairStatus(page, "api_key"));
        Assert.Empty(page.FindAll("#diff-reveal"));
    }

    [Fact]
    public void Render_UnknownKind_SaysSo()
    {
        var page = RenderPage("certificate", "x");

        Assert.Contains("Unknown kind", page.Find("#history-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnknownCredential_ShowsNotFound()
    {
        var page = RenderPage("credential", "missing");

        Assert.Contains(ErrorMessages.CredentialNotFound, page.Find("#history-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ScriptInFields_RendersAsText()
    {
        const string payload = "<script>alert(1)</script>";
        var input = TestData.Credential(payload, ("k", "v")) with
        {
            Documentation = payload,
            Metadata = TestData.Json("{\"<b>x</b>\": \"<img src=x onerror=alert(1)>\"}"),
        };
        var created = await Credentials.CreateAsync(DomainHost.Alice, input);
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, input with { Enabled = false });

        var page = RenderPage("credential", created.Item.Id);

        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("#diff-view img"));
        Assert.Empty(page.FindAll("#diff-view b"));
        Assert.Contains("&lt;script&gt;", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Metadata: <b>x</b>", page.Find("#diff-view").TextContent, StringComparison.Ordinal);
    }

    private async Task<string> CredentialWithThreeRevisionsAsync()
    {
        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("a", "1")));
        Later();
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential("db-renamed", ("a", "2")));
        Later();
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential("db-renamed", ("a", "3")));
        return created.Item.Id;
    }

    private async Task<string> ChangedPairsAsync()
    {
        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("a", OldSecret), ("b", KeptSecret), ("c", GoneSecret)));
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential("db", ("a", NewSecret), ("b", KeptSecret), ("d", AddedSecret)));
        return created.Item.Id;
    }

    private static void AssertNoSecretIn(string markup)
    {
        foreach (var secret in new[] { OldSecret, NewSecret, KeptSecret, GoneSecret, AddedSecret })
        {
            Assert.DoesNotContain(secret, markup, StringComparison.Ordinal);
        }
    }

    private IRenderedComponent<ResourceHistory> RenderPage(string kind, string id)
    {
        var page = Render<ResourceHistory>(p => p.Add(c => c.Kind, kind).Add(c => c.Id, id));
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    private static List<int> Revisions(IRenderedComponent<ResourceHistory> page) =>
        page.FindAll(".revision-row").Select(r => int.Parse(r.GetAttribute("data-revision")!, CultureInfo.InvariantCulture)).ToList();

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<ResourceHistory> page, string label) =>
        page.FindAll("#diff-view tr.diff-row").Single(r => r.QuerySelector("th")!.TextContent.Trim().StartsWith(label, StringComparison.Ordinal));

    private static string PairStatus(IRenderedComponent<ResourceHistory> page, string key)
    {
        var row = Row(page, $"Pair: {key}");
        return row.ClassList.Single(c => c.StartsWith("diff-", StringComparison.Ordinal) && c is not "diff-row" and not "diff-pair")["diff-".Length..];
    }
}
