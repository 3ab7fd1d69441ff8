using Bunit;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Tests.Web.Components.Pages.Services;
using Confidant.Web.Components.Shared;
using Candidate = Confidant.Web.Components.Shared.ServiceMappingEditor.Candidate;

namespace Confidant.Tests.Web.Components.Shared;

public sealed class ServiceMappingEditorTests : ServiceComponentTestContext
{
    private readonly List<Candidate> _candidates = [];
    private ServiceMappingEditor.Selection? _last;

    [Fact]
    public async Task Search_Words_ListsMatchingCredentialsAndAddsTheClickedOne()
    {
        var db = await AddCredentialAsync("prod-db", "password");
        await AddCredentialAsync("prod-cache", "token");
        await AddCredentialAsync("staging-db", "user");
        var editor = RenderEditor();

        await editor.Find("#credential-search").InputAsync("prod db");

        var option = Assert.Single(editor.FindAll(".credential-option"));
        Assert.Contains("prod-db", option.TextContent, StringComparison.Ordinal);
        await option.ClickAsync(new());
        await editor.WaitForAssertionAsync(() => Assert.Equal(["prod-db"], Mapped(editor)));
        Assert.Equal([db], _last!.Credentials);

        // A mapped credential is no longer offered.
        Assert.Empty(editor.FindAll(".credential-option"));
    }

    [Fact]
    public async Task Search_BlindCredential_AddsItAsBlind()
    {
        await AddCredentialAsync("app-db", "password");
        var blind = await AddBlindAsync("app-signing", "signing_key");
        var editor = RenderEditor();

        await editor.Find("#credential-search").InputAsync("/signing$/");
        await editor.Find(".credential-option").ClickAsync(new());

        await editor.WaitForAssertionAsync(() => Assert.Equal(["app-signing"], Mapped(editor)));
        Assert.Equal([blind], _last!.BlindCredentials);
        Assert.Empty(_last.Credentials);
    }

    [Fact]
    public async Task Remove_MappedCredential_DropsItFromTheSelection()
    {
        var db = await AddCredentialAsync("prod-db", "password");
        var cache = await AddCredentialAsync("prod-cache", "token");
        var editor = RenderEditor(db, cache);

        await editor.Find("button[aria-label='Remove prod-db']").ClickAsync(new());

        await editor.WaitForAssertionAsync(() => Assert.Equal(["prod-cache"], Mapped(editor)));
        Assert.Equal([cache], _last!.Credentials);
    }

    [Fact]
    public async Task Add_SharedKey_WarnsUntilOneIsRemoved()
    {
        // spec §8.2: two credentials of one service may not share a key; the warning shows before saving.
        var primary = await AddCredentialAsync("db-primary", "password", "host");
        await AddCredentialAsync("db-replica", "password", "port");
        var editor = RenderEditor(primary);
        Assert.Empty(editor.FindAll("#mapping-conflicts"));

        await editor.Find("#credential-search").InputAsync("replica");
        await editor.Find(".credential-option").ClickAsync(new());

        await editor.WaitForAssertionAsync(() => Assert.Single(editor.FindAll(".mapping-conflict")));
        var warning = editor.Find(".mapping-conflict").TextContent;
        Assert.Contains("password", warning, StringComparison.Ordinal);
        Assert.Contains("db-primary", warning, StringComparison.Ordinal);
        Assert.Contains("db-replica", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("host", warning, StringComparison.Ordinal);
        Assert.Equal(1, _last!.ConflictCount);

        await editor.Find("button[aria-label='Remove db-primary']").ClickAsync(new());

        await editor.WaitForAssertionAsync(() => Assert.Empty(editor.FindAll("#mapping-conflicts")));
        Assert.Equal(0, _last.ConflictCount);
    }

    [Fact]
    public async Task Render_CredentialAndBlindCredentialShareAKey_Warns()
    {
        var credential = await AddCredentialAsync("api", "api_key");
        var blind = await AddBlindAsync("api-blind", "api_key");

        var editor = RenderEditor(credential, blind);

        await editor.WaitForAssertionAsync(() => Assert.Contains("api-blind", editor.Find(".mapping-conflict").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, _last!.ConflictCount);
    }

    [Fact]
    public async Task Render_DisabledCredential_IsMarked()
    {
        var off = await AddCredentialAsync("old-db", enabled: false, "password");
        var on = await AddCredentialAsync("new-db", enabled: true, "token");

        var editor = RenderEditor(off, on);

        var rows = editor.FindAll(".mapped-credential");
        Assert.Single(rows[0].QuerySelectorAll(".credential-disabled"));
        Assert.Empty(rows[1].QuerySelectorAll(".credential-disabled"));
    }

    [Fact]
    public async Task Render_ReadOnly_OffersNoSearchAndNoRemove()
    {
        var db = await AddCredentialAsync("prod-db", "password");

        var editor = RenderEditor([db], readOnly: true);

        Assert.Equal(["prod-db"], Mapped(editor));
        Assert.Empty(editor.FindAll("#credential-search"));
        Assert.Empty(editor.FindAll(".remove-credential"));
    }

    [Fact]
    public async Task Render_ScriptInName_RendersAsText()
    {
        const string name = "<img src=x onerror=alert(1)>";
        var id = await AddCredentialAsync(name, "password");
        await AddCredentialAsync(name + "-2", "password");

        var editor = RenderEditor(id);
        await editor.Find("#credential-search").InputAsync("onerror");

        await editor.WaitForAssertionAsync(() => Assert.Single(editor.FindAll(".credential-option")));
        Assert.Empty(editor.FindAll("img"));
        Assert.Equal([name], Mapped(editor));
        Assert.Contains("&lt;img", editor.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_CredentialThatCannotBeDecrypted_WarnsAndBlocksSaving()
    {
        var good = await AddCredentialAsync("good", "password");
        var broken = await AddCredentialAsync("broken", "token");
        var store = Host.Get<IConfidantStore>();
        var item = (CredentialItem)(await store.GetAsync(broken))!;
        await store.WriteRevisionAsync(item with { Revision = 2, DataKey = Convert.ToBase64String(new byte[64]) });
        var editor = RenderEditor(good);
        Assert.True(_last!.CanSave);

        await editor.Find("#credential-search").InputAsync("broken");
        await editor.Find(".credential-option").ClickAsync(new());

        await editor.WaitForAssertionAsync(() => Assert.Single(editor.FindAll("#mapping-check-error")));
        Assert.False(_last.CanSave);
        await editor.Find("button[aria-label='Remove broken']").ClickAsync(new());
        await editor.WaitForAssertionAsync(() => Assert.Empty(editor.FindAll("#mapping-check-error")));
        Assert.True(_last.CanSave);
    }

    private async Task<string> AddCredentialAsync(string name, params string[] keys) => await AddCredentialAsync(name, true, keys);

    private async Task<string> AddCredentialAsync(string name, bool enabled, params string[] keys)
    {
        var id = await CreateCredentialAsync(name, enabled, keys);
        _candidates.Add(new Candidate(id, name, enabled, Blind: false));
        return id;
    }

    private async Task<string> AddBlindAsync(string name, params string[] keys)
    {
        var id = await CreateBlindCredentialAsync(name, keys);
        _candidates.Add(new Candidate(id, name, Enabled: true, Blind: true));
        return id;
    }

    private IRenderedComponent<ServiceMappingEditor> RenderEditor(params string[] initial) => RenderEditor(initial, readOnly: false);

    private IRenderedComponent<ServiceMappingEditor> RenderEditor(string[] initial, bool readOnly)
    {
        var editor = Render<ServiceMappingEditor>(p => p
            .Add(e => e.Caller, DomainHost.Alice)
            .Add(e => e.Candidates, _candidates)
            .Add(e => e.InitialIds, initial)
            .Add(e => e.ReadOnly, readOnly)
            .Add(e => e.SelectionChanged, (ServiceMappingEditor.Selection s) => _last = s));
        editor.WaitForState(() => _last is not null);
        return editor;
    }

    private static List<string> Mapped(IRenderedComponent<ServiceMappingEditor> editor) =>
        editor.FindAll(".mapped-credential p").Select(p => p.TextContent).ToList();
}
