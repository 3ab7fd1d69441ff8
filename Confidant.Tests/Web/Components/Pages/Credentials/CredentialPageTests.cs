using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Services.Maintenance;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Confidant.Web.Components.Pages.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;

namespace Confidant.Tests.Web.Components.Pages.Credentials;

public sealed class CredentialPageTests : ComponentTestContext, IAsyncLifetime
{
    private const string Secret = "hunter2-very-secret";
    private const string Editor = "editor@example.com";
    private DomainHost _host = null!;

    async Task IAsyncLifetime.InitializeAsync() => await StartAsync(configureServices: null);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Save_NewCredential_CreatesItAndNavigatesToIt()
    {
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(id: null);

        await page.Find("#credential-name").ChangeAsync(new() { Value = "billing-db" });
        await page.Find(".kv-key input").InputAsync("Password");
        await page.Find(".kv-value input").InputAsync(Secret);
        await page.Find("#save-credential").ClickAsync();

        var stored = Assert.Single((await Reader.ListAsync(DomainHost.Alice)).Items);
        Assert.Equal("billing-db", stored.Item.Name);
        Assert.Equal(Editor, stored.Item.ModifiedBy);
        var full = await Reader.GetAsync(DomainHost.Alice, stored.Item.Id);
        Assert.Equal(Secret, TestData.Value(full.Pairs, "password"));
        Assert.EndsWith($"/credentials/{stored.Item.Id}", Services.GetRequiredService<BunitNavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_EditedName_WritesNextRevisionAndKeepsValues()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#credential-name").ChangeAsync(new() { Value = "billing-db-primary" });
        await page.Find("#save-credential").ClickAsync();

        var current = await Reader.GetAsync(DomainHost.Alice, created.Item.Id);
        Assert.Equal(2, current.Item.Revision);
        Assert.Equal("billing-db-primary", current.Item.Name);
        Assert.Equal(Secret, TestData.Value(current.Pairs, "password"));
        await page.WaitForAssertionAsync(() => Assert.Contains("Revision 2", page.Find("#credential-revision").TextContent, StringComparison.Ordinal));
        Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message != null && s.Message.Contains("revision 2", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_RevealedValueChanged_StoresNewValue()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#reveal-values").ClickAsync();
        await page.Find(".kv-value input").InputAsync("rotated-value");
        await page.Find("#save-credential").ClickAsync();

        var current = await Reader.GetAsync(DomainHost.Alice, created.Item.Id);
        Assert.Equal(2, current.Item.Revision);
        Assert.Equal("rotated-value", TestData.Value(current.Pairs, "password"));
    }

    [Fact]
    public async Task Save_NewCredentialWithInvalidKey_BlocksSaveAndStoresNothing()
    {
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(id: null);

        await page.Find("#credential-name").ChangeAsync(new() { Value = "billing-db" });
        await page.Find(".kv-key input").InputAsync("has space");
        await page.Find(".kv-value input").InputAsync(Secret);
        await page.Find("#save-credential").ClickAsync();

        Assert.Contains("Fix the highlighted keys", page.Find("#credential-error").TextContent, StringComparison.Ordinal);
        Assert.Empty((await Reader.ListAsync(DomainHost.Alice)).Items);
        Assert.Null(Services.GetRequiredService<BunitNavigationManager>().History.FirstOrDefault());
    }

    [Fact]
    public async Task Save_ExistingCredentialWithInvalidKey_WritesNoRevision()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#reveal-values").ClickAsync();
        await page.Find(".kv-add").ClickAsync();
        await page.FindAll(".kv-key input")[1].InputAsync("PASSWORD");
        await page.Find("#save-credential").ClickAsync();

        Assert.Contains("Fix the highlighted keys", page.Find("#credential-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, (await Reader.GetAsync(DomainHost.Alice, created.Item.Id, metadataOnly: true)).Item.Revision);
    }

    [Fact]
    public async Task Save_DomainRejectsInput_ShowsItsMessage()
    {
        await CreateAsync("taken", ("k", "v"));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(id: null);

        await page.Find("#credential-name").ChangeAsync(new() { Value = "taken" });
        await page.Find(".kv-key input").InputAsync("k");
        await page.Find(".kv-value input").InputAsync("v");
        await page.Find("#save-credential").ClickAsync();

        // Names are unique (spec §9.1); the domain refuses and the page reports it.
        Assert.False(string.IsNullOrWhiteSpace(page.Find("#credential-error").TextContent));
        Assert.Single((await Reader.ListAsync(DomainHost.Alice)).Items);
    }

    [Fact]
    public async Task Render_Reader_OffersNoRevealCopyOrSaveAndDomainRefusesReveal()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Reader);

        var page = RenderPage(created.Item.Id);

        Assert.Contains("password", page.Find(".masked-key").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#reveal-values"));
        Assert.Empty(page.FindAll(".masked-copy"));
        Assert.Empty(page.FindAll("#save-credential"));
        Assert.NotNull(page.Find("#credential-name").GetAttribute("readonly"));
        Assert.NotNull(page.Find("#credential-read-only"));
        Assert.Empty(page.FindAll("#show-access"));

        // Spec §3: the reveal path itself gives a reader no values, and records the refusal.
        var reader = ConfidantPrincipal.ForUser("reader@example.com", roles: new HashSet<string> { ConfidantRoles.Reader });
        Assert.Null((await Reader.GetAsync(reader, created.Item.Id, metadataOnly: false)).Pairs);
        Assert.Equal(AuditOutcomes.Denied, Assert.Single(await AuditAsync(created.Item.Id), e => e.Action == AuditActions.Reveal).Outcome);
    }

    [Fact]
    public async Task ShowAccess_Editor_ListsWhoReceivedIt()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        await Reader.GetAsync(ConfidantPrincipal.ForUser("bob@example.com"), created.Item.Id);
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#show-access").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Contains("bob@example.com (user)", page.FindAll(".access-principal").Select(e => e.TextContent)));
    }

    [Fact]
    public async Task Reveal_DomainRefuses_ShowsRefusalAndNoValue()
    {
        await _host.DisposeAsync();
        await StartAsync(services => services.Replace(ServiceDescriptor.Singleton<IAclPolicy>(new DenyingPolicy(AclActions.Get))));
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#reveal-values").ClickAsync();

        Assert.Contains("not allowed to see the values", page.Find("#credential-error").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".kv-value"));
    }

    [Fact]
    public async Task Reveal_Editor_ShowsValueAndRecordsTheReveal()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#reveal-values").ClickAsync();

        Assert.Equal(Secret, page.Find(".kv-value input").GetAttribute("value"));
        var reveal = Assert.Single(await AuditAsync(created.Item.Id), e => e.Action == AuditActions.Reveal);
        Assert.Equal(Editor, reveal.Actor.Name);
    }

    [Fact]
    public async Task Copy_HiddenValue_RevealsThroughTheDomainThenCopies()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        var copy = JSInterop.Setup<bool>("confidant.copyText", _ => true);
        copy.SetResult(true);
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find(".masked-copy").ClickAsync();

        Assert.Equal(Secret, Assert.Single(copy.Invocations).Arguments[0]);
        Assert.Single(await AuditAsync(created.Item.Id), e => e.Action == AuditActions.Reveal);
    }

    [Fact]
    public async Task Copy_RevealedValue_CopiesItsText()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        var copy = JSInterop.Setup<bool>("confidant.copyText", _ => true);
        copy.SetResult(true);
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);
        await page.Find("#reveal-values").ClickAsync();

        await page.Find(".kv-copy").ClickAsync();

        Assert.Equal(Secret, Assert.Single(copy.Invocations).Arguments[0]);
    }

    [Fact]
    public async Task Save_DomainForbidsUpdate_ShowsRefusalAndStoresNothing()
    {
        await _host.DisposeAsync();
        await StartAsync(services => services.Replace(ServiceDescriptor.Singleton<IAclPolicy>(new DenyingPolicy(AclActions.Update))));
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find("#credential-name").ChangeAsync(new() { Value = "renamed" });
        await page.Find("#save-credential").ClickAsync();

        Assert.Contains("does not have access to update", page.Find("#credential-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, (await Reader.GetAsync(DomainHost.Alice, created.Item.Id, metadataOnly: true)).Item.Revision);
    }

    [Fact]
    public async Task Save_MetadataDocumentationTagsAndEnabled_AreStored()
    {
        var created = await Writer.CreateAsync(DomainHost.Alice, TestData.Credential("billing-db", ("password", Secret)) with
        {
            Metadata = TestData.Json("""{"owner": "payments", "port": 5432}"""),
        });
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);

        await page.Find(".metadata-add").ClickAsync();
        await page.FindAll(".metadata-key input")[2].ChangeAsync(new() { Value = "team" });
        await page.FindAll(".metadata-value input")[2].ChangeAsync(new() { Value = "core" });
        await page.Find("#credential-documentation").ChangeAsync(new() { Value = "Rotate monthly." });
        await page.Find("#credential-tags").ChangeAsync(new() { Value = "pci, prod ,pci" });
        await page.Find("#credential-enabled").ChangeAsync(new() { Value = false });
        await page.Find("#save-credential").ClickAsync();

        var stored = (await Reader.GetAsync(DomainHost.Alice, created.Item.Id, metadataOnly: true)).Item;
        Assert.Equal(2, stored.Revision);
        // The untouched number keeps its JSON type; new rows are text.
        Assert.Equal("""{"owner": "payments", "port": 5432, "team": "core"}""", stored.Metadata);
        Assert.Equal("Rotate monthly.", stored.Documentation);
        Assert.Equal(["pci", "prod"], stored.Tags);
        Assert.False(stored.Enabled);
    }

    [Fact]
    public async Task Render_ExistingCredential_ShowsModifiedAndRotationDates()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        _host.Time.Advance(TimeSpan.FromDays(3));
        await Writer.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Documentation = "moved" });
        SignIn(ConfidantRoles.Reader);

        var page = RenderPage(created.Item.Id);

        var dates = page.FindAll("#credential-revision time").Select(t => t.GetAttribute("datetime")).ToList();
        Assert.Equal(["2026-03-04T12:00:00.0000000Z", "2026-03-01T12:00:00.0000000Z"], dates.Take(2));
        Assert.Equal(3, dates.Count);
        Assert.Contains("alice@example.com", page.Find("#credential-revision").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BeforeReveal_ValuesAreNotInTheMarkup()
    {
        var created = await CreateAsync("billing-db", ("password", Secret), ("user", "svc-user-value"));
        SignIn(ConfidantRoles.Admin);

        var page = RenderPage(created.Item.Id);

        Assert.Equal(["password", "user"], page.FindAll(".masked-key").Select(k => k.TextContent));
        Assert.DoesNotContain(Secret, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("svc-user-value", page.Markup, StringComparison.Ordinal);
        Assert.Empty(await AuditAsync(created.Item.Id, AuditActions.Reveal));
    }

    [Fact]
    public async Task Save_ChangedBySomeoneElseMeanwhile_SaysSoAndStoresNothing()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(created.Item.Id);
        await Writer.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Documentation = "changed elsewhere" });

        await page.Find("#credential-name").ChangeAsync(new() { Value = "my-edit" });
        await page.Find("#save-credential").ClickAsync();

        Assert.Contains("changed by someone else since you opened it", page.Find("#credential-changed").TextContent, StringComparison.Ordinal);
        var current = await Reader.GetAsync(DomainHost.Alice, created.Item.Id, metadataOnly: true);
        Assert.Equal(2, current.Item.Revision);
        Assert.Equal("billing-db", current.Item.Name);
        Assert.Equal("my-edit", page.Find("#credential-name").GetAttribute("value"));

        await page.Find("#reload-credential").ClickAsync();

        Assert.Equal("billing-db", page.Find("#credential-name").GetAttribute("value"));
        Assert.Contains("Revision 2", page.Find("#credential-revision").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_KeyClashesOnMappedService_ShowsConflictAndStoresNothing()
    {
        var other = await CreateAsync("shared-db", ("password", "other-value"));
        var edited = await CreateAsync("cache", ("token", Secret));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput
        {
            Credentials = [other.Item.Id, edited.Item.Id],
        });
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(edited.Item.Id);

        await page.Find("#reveal-values").ClickAsync();
        await page.Find(".kv-key input").InputAsync("password");
        await page.Find("#save-credential").ClickAsync();

        // Spec §8.2: keys are unique across the credentials of one service.
        var conflict = page.Find("#credential-key-conflicts .key-conflict").TextContent;
        Assert.Contains("password", conflict, StringComparison.Ordinal);
        Assert.Contains(other.Item.Id, conflict, StringComparison.Ordinal);
        Assert.Contains("billing", conflict, StringComparison.Ordinal);
        Assert.Equal(1, (await Reader.GetAsync(DomainHost.Alice, edited.Item.Id, metadataOnly: true)).Item.Revision);
        Assert.Equal("password", page.Find(".kv-key input").GetAttribute("value"));
    }

    [Fact]
    public async Task Render_MappedCredential_ListsServicesAndLinksHistory()
    {
        var created = await CreateAsync("billing-db", ("password", Secret));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [created.Item.Id] });
        SignIn(ConfidantRoles.Reader);

        var page = RenderPage(created.Item.Id);

        Assert.Equal("/services/billing", page.Find("#credential-services a").GetAttribute("href"));
        Assert.Equal($"/history/credential/{created.Item.Id}", page.Find("#credential-history-link").GetAttribute("href"));
    }

    [Fact]
    public async Task Generate_Clicked_FillsValueFromTheDomainGenerator()
    {
        SignIn(ConfidantRoles.Editor);
        var page = RenderPage(id: null);

        await page.Find(".kv-generate").ClickAsync();

        // Spec §9.4: 50 alphanumeric characters.
        Assert.Matches("^[A-Za-z0-9]{50}$", page.Find(".kv-value input").GetAttribute("value") ?? string.Empty);
    }

    [Fact]
    public void Render_NewAsReader_SaysCreatingNeedsEditorAndOffersNoSave()
    {
        SignIn(ConfidantRoles.Reader);

        var page = RenderPage(id: null);

        Assert.Contains("needs the editor role", page.Find("#credential-read-only").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#save-credential"));
        Assert.Empty(page.FindAll(".kv-generate"));
    }

    [Fact]
    public void Render_UnknownId_SaysThereIsNoSuchCredential()
    {
        SignIn(ConfidantRoles.Reader);

        var page = RenderPage("0123456789abcdef0123456789abcdef");

        Assert.Contains("No credential with this id", page.Find("#credential-not-found").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#credential-name"));
    }

    [Fact]
    public async Task Render_ScriptInUserText_RendersAsText()
    {
        const string payload = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        var created = await Writer.CreateAsync(DomainHost.Alice, TestData.Credential(payload, ("k", "v")) with
        {
            Metadata = TestData.Json($$"""{"{{payload}}": "owner {{payload}}"}"""),
            Documentation = payload,
            Tags = [payload],
        });
        SignIn(ConfidantRoles.Editor);

        var page = RenderPage(created.Item.Id);

        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Equal(payload, page.Find("#credential-heading").TextContent);
        Assert.Equal(payload, page.Find(".credential-tag").TextContent.Trim());
        Assert.Equal(payload, page.Find(".metadata-key input").GetAttribute("value"));
        Assert.Contains("&lt;script&gt;", page.Markup, StringComparison.Ordinal);
    }

    private CredentialReader Reader => _host.Get<CredentialReader>();

    private CredentialService Writer => _host.Get<CredentialService>();

    private async Task StartAsync(Action<IServiceCollection>? configureServices)
    {
        _host = await DomainHost.StartAsync(configureServices: configureServices);
        Services.AddSingleton(_host.Get<CredentialReader>());
        Services.AddSingleton(_host.Get<AuditReader>());
        Services.AddSingleton(_host.Get<CredentialService>());
        Services.AddSingleton(_host.Get<ServiceMappingService>());
        Services.AddSingleton(_host.Get<CredentialConflictDetector>());
        Services.AddSingleton(_host.Get<MaintenanceMode>());
        Services.AddSingleton(_host.Get<ExposureIndex>());
        Services.AddSingleton(_host.Get<ExposureService>());
        Services.AddSingleton(_host.Get<BlastRadius>());
    }

    private void SignIn(string role)
    {
        Authorization.SetAuthorized(Editor);
        Authorization.SetClaims([new Claim(ClaimTypes.Email, Editor), new Claim(ConfidantClaims.Role, role)]);
    }

    private Task<Credential> CreateAsync(string name, params (string Key, string Value)[] pairs) =>
        Writer.CreateAsync(DomainHost.Alice, TestData.Credential(name, pairs));

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync(string id, string? action = null)
    {
        var events = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: id))).Records.Select(r => r.Entry).ToList();
        return action is null ? events : events.Where(e => e.Action == action).ToList();
    }

    private IRenderedComponent<CredentialPage> RenderPage(string? id)
    {
        var page = Render<CredentialPage>(parameters => parameters.Add(p => p.Id, id));
        page.WaitForState(() => page.FindAll(".mud-progress-linear").Count == 0);
        return page;
    }

    /// <summary>The default policy minus one action: the page offers it by role, the domain then refuses it.</summary>
    private sealed class DenyingPolicy(string deniedAction) : IAclPolicy
    {
        public bool IsAllowed(ConfidantPrincipal principal, string resourceType, string action, string? resourceId = null, AclArguments? arguments = null) =>
            action != deniedAction && new DefaultAclPolicy().IsAllowed(principal, resourceType, action, resourceId, arguments);
    }
}
