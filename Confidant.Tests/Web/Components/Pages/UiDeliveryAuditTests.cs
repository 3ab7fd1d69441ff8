using Bunit;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Credentials;
using Confidant.Web.Components.Pages.History;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Components.Pages;

/// <summary>
/// Every page that shows a secret's values records exactly one delivery per showing, with the person and the page
/// they were on; with the audit store failing, the page says so in place and the values never reach the markup.
/// </summary>
public sealed class UiDeliveryAuditTests : ComponentTestContext, IAsyncLifetime
{
    private const string Secret = "ui-secret-v2";
    private DomainHost _host = null!;
    private FailingAuditAppends.Switch _audit = null!;
    private string _id = null!;

    /// <summary>A page that shows values: its route, how it is rendered and how the person asks for the values.</summary>
    public sealed record Showing(string Name, string Route, string Action, int Items)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Showing> Showings() =>
    [
        new("credential reveal", "/credentials/{id}", AuditActions.Reveal, 0),
        new("credential copy", "/credentials/{id}", AuditActions.Reveal, 0),
        new("revision diff reveal", "/history/credential/{id}", AuditActions.Diff, 2),
    ];

    async Task IAsyncLifetime.InitializeAsync()
    {
        _host = await DomainHost.StartAsync(configureServices: services => _audit = FailingAuditAppends.DecorateSwitchable(services));
        AddDomainServices(_host);
        JSInterop.Setup<bool>("confidant.copyText", _ => true).SetResult(true);
        var created = await _host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "ui-secret-v1")));
        _id = created.Item.Id;
        await _host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, _id, new CredentialInput { Pairs = TestData.Pairs(("password", Secret)) });
        SignIn(ConfidantRoles.Editor);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _host.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Showings))]
    public async Task Show_RecordsOneDeliveryWithThePersonAndThePage(Showing showing)
    {
        var markup = await ShowAsync(showing);

        Assert.Contains(Secret, markup, StringComparison.Ordinal);
        var entry = Assert.Single(await DeliveriesAsync());
        Assert.Equal(showing.Action, entry.Action);
        Assert.Equal(AuditChannels.Ui, entry.Origin.Channel);
        Assert.Equal(showing.Route.Replace("{id}", _id, StringComparison.Ordinal), entry.Origin.Route);
        Assert.Equal(("alice@example.com", "user", AuditAuthMethods.Development), (entry.Actor.Name, entry.Actor.Type, entry.Actor.AuthMethod));
        Assert.Equal(showing.Items, entry.Items.Count);
    }

    [Theory]
    [MemberData(nameof(Showings))]
    public async Task Show_AuditStoreFailing_SaysSoInPlaceAndShowsNoValue(Showing showing)
    {
        _audit.Failing = true;

        var markup = await ShowAsync(showing);

        Assert.Contains(AuditUnavailableException.DefaultMessage, markup, StringComparison.Ordinal);
        Assert.DoesNotContain("ui-secret", markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reveal_Refused_RecordedAsDenied()
    {
        SignIn(ConfidantRoles.Reader);
        var reader = ConfidantPrincipal.ForUser("alice@example.com", roles: new HashSet<string> { ConfidantRoles.Reader });

        await Assert.ThrowsAsync<Confidant.Services.Errors.ConfidantException>(() => _host.Get<CredentialReader>().RevealRevisionsAsync(reader, _id, 1, 2));
        var credential = await _host.Get<CredentialReader>().GetAsync(reader, _id, metadataOnly: false);

        Assert.Null(credential.Pairs);
        var denied = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: _id) { Outcome = AuditOutcomes.Denied })).Records.Select(r => r.Entry.Action);
        Assert.Equal([AuditActions.Diff, AuditActions.Reveal], denied.Order(StringComparer.Ordinal));
        Assert.Empty(await DeliveriesAsync());
    }

    private async Task<string> ShowAsync(Showing showing)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(showing.Route.Replace("{id}", _id, StringComparison.Ordinal));
        if (showing.Action == AuditActions.Diff)
        {
            var history = Render<ResourceHistory>(p => p.Add(c => c.Kind, "credential").Add(c => c.Id, _id));
            await history.WaitForStateAsync(() => history.FindAll("#diff-reveal").Count > 0);
            await history.Find("#diff-reveal").ClickAsync(new());
            return history.Markup;
        }

        var page = Render<CredentialPage>(p => p.Add(c => c.Id, _id));
        await page.WaitForStateAsync(() => page.FindAll(".mud-progress-linear").Count == 0);
        await page.Find(showing.Name.EndsWith("copy", StringComparison.Ordinal) ? ".masked-copy" : "#reveal-values").ClickAsync(new());
        return page.Markup;
    }

    private async Task<List<AuditEntry>> DeliveriesAsync() =>
        (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: _id) { Outcome = AuditOutcomes.Delivered }))
            .Records.Select(r => r.Entry).Where(e => e.Origin.Channel == AuditChannels.Ui).ToList();
}
