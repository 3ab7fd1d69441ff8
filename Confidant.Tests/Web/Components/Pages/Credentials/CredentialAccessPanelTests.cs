using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Credentials;

namespace Confidant.Tests.Web.Components.Pages.Credentials;

public sealed class CredentialAccessPanelTests : ResourceComponentTestContext
{
    private static readonly ConfidantPrincipal Bob = ConfidantPrincipal.ForUser("bob@example.com");
    private static readonly ConfidantPrincipal Carol = ConfidantPrincipal.ForUser("carol@example.com");

    [Fact]
    public async Task ShowAccess_Editor_EveryPrincipalWithCountsAndRevisions()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await RevealAsync(Bob, id);
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await RevealAsync(Bob, id);
        await RevealAsync(Carol, id);

        var panel = RenderPanel(BrowserSession.Person("erin@example.com", ConfidantRoles.Editor), id);
        Assert.Empty(panel.FindAll(".access-row"));
        await panel.Find("#show-access").ClickAsync();

        await panel.WaitForAssertionAsync(() => Assert.NotEmpty(panel.FindAll(".access-row")));
        var rows = panel.FindAll(".access-row")
            .Select(r => (r.QuerySelector(".access-principal")!.TextContent, r.QuerySelector(".access-count")!.TextContent, r.QuerySelector(".access-revisions")!.TextContent))
            .ToList();
        Assert.Contains(("bob@example.com (user)", "2", "1"), rows);
        Assert.Contains(("carol@example.com (user)", "1", "1"), rows);
        Assert.Equal(2 * rows.Count, panel.FindAll(".access-row time.local-time").Count);
    }

    [Fact]
    public async Task ShowAccess_AfterRotation_OnlyThoseWhoReceivedTheNewValues()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await RevealAsync(Bob, id);
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await Host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, id, TestData.Credential("prod-db", ("k", "rotated")));
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await RevealAsync(Carol, id);

        var panel = RenderPanel(BrowserSession.Person("dana@example.com", ConfidantRoles.Admin), id);
        await panel.Find("#show-access").ClickAsync();

        await panel.WaitForAssertionAsync(() => Assert.NotEmpty(panel.FindAll(".access-row")));
        var rows = panel.FindAll(".access-row")
            .Select(r => (r.QuerySelector(".access-principal")!.TextContent, r.QuerySelector(".access-revisions")!.TextContent))
            .ToList();
        Assert.Contains(("carol@example.com (user)", "2"), rows);
        Assert.DoesNotContain(rows, r => r.Item1.StartsWith("bob@", StringComparison.Ordinal));
        Assert.NotNull(panel.Find("#access-since time.local-time"));
    }

    [Fact]
    public async Task ShowAccess_UnknownCredential_SaysWhy()
    {
        var panel = RenderPanel(BrowserSession.Person("dana@example.com", ConfidantRoles.Admin), "0123456789abcdef0123456789abcdef");

        await panel.Find("#show-access").ClickAsync();

        await panel.WaitForAssertionAsync(() => Assert.Equal("Credential not found.", panel.Find("#access-error").TextContent));
        Assert.Empty(panel.FindAll(".access-row"));
    }

    [Fact]
    public async Task Render_Reader_NoPanel()
    {
        var id = (await CreateCredentialAsync("prod-db")).Item.Id;
        await RevealAsync(Bob, id);

        var panel = RenderPanel(BrowserSession.Person("rita@example.com", ConfidantRoles.Reader), id);

        Assert.Empty(panel.FindAll("#show-access"));
        Assert.DoesNotContain("bob@example.com", panel.Markup, StringComparison.Ordinal);
    }

    private Task<Credential> RevealAsync(ConfidantPrincipal who, string id) => Host.Get<CredentialReader>().GetAsync(who, id);

    private IRenderedComponent<CredentialAccessPanel> RenderPanel(ConfidantPrincipal caller, string id) =>
        Render<CredentialAccessPanel>(p => p.Add(x => x.Caller, caller).Add(x => x.CredentialId, id));
}
