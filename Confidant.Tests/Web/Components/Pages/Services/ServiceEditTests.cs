using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;

namespace Confidant.Tests.Web.Components.Pages.Services;

public sealed class ServiceEditTests : ServiceComponentTestContext
{
    [Fact]
    public async Task Save_NewService_StoresRevisionOneWithTheMappingAndOpensIt()
    {
        var db = await CreateCredentialAsync("prod-db", true, "password");
        var page = await RenderNewAsync();

        await page.Find("#service-name").InputAsync("payments-api");
        await AddViaSearchAsync(page, "prod-db");
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("#save-service").HasAttribute("disabled")));
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.EndsWith("/services/payments-api", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal));
        var stored = await StoredAsync("payments-api");
        Assert.Equal(1, stored.Item.Revision);
        Assert.Equal([db], stored.Item.Credentials);
        Assert.Equal("alice@example.com", stored.Item.ModifiedBy);
        Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, b => b.Message is not null && b.Message.Contains("payments-api", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Save_ExistingService_StoresTheNextRevisionWithTheEditedMapping()
    {
        var db = await CreateCredentialAsync("prod-db", true, "password");
        var cache = await CreateCredentialAsync("prod-cache", true, "token");
        await CreateServiceAsync("payments-api", db);
        var page = await RenderServiceAsync("payments-api");
        Assert.Contains("Revision 1", page.Find("#service-revision").TextContent, StringComparison.Ordinal);
        Assert.Equal("/history/service/payments-api", page.Find("#service-history").GetAttribute("href"));

        await page.Find("button[aria-label='Remove prod-db']").ClickAsync(new());
        await AddViaSearchAsync(page, "prod-cache");
        await page.Find("#service-enabled").ChangeAsync(new() { Value = false });
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Contains("Revision 2", page.Find("#service-revision").TextContent, StringComparison.Ordinal));
        var stored = await StoredAsync("payments-api");
        Assert.Equal(2, stored.Item.Revision);
        Assert.Equal([cache], stored.Item.Credentials);
        Assert.False(stored.Item.Enabled);
        Assert.Equal(["prod-cache"], Mapped(page));
    }

    [Fact]
    public async Task Save_WhileKeysConflict_IsDisabledAndNothingIsStored()
    {
        var primary = await CreateCredentialAsync("db-primary", true, "password");
        await CreateCredentialAsync("db-replica", true, "password");
        await CreateServiceAsync("payments-api", primary);
        var page = await RenderServiceAsync("payments-api");
        Assert.False(page.Find("#save-service").HasAttribute("disabled"));

        await AddViaSearchAsync(page, "db-replica");

        // spec §8.2: the conflict is shown and blocks saving before the domain would refuse it.
        await page.WaitForAssertionAsync(() => Assert.True(page.Find("#save-service").HasAttribute("disabled")));
        Assert.Contains("password", page.Find("#mapping-conflicts").TextContent, StringComparison.Ordinal);
        await page.Find("button[aria-label='Remove db-primary']").ClickAsync(new());
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("#save-service").HasAttribute("disabled")));
        Assert.Equal(1, (await StoredAsync("payments-api")).Item.Revision);
    }

    [Fact]
    public async Task Save_AfterSomeoneElseSaved_SaysSoKeepsTheFormAndStoresNothing()
    {
        var db = await CreateCredentialAsync("prod-db", true, "password");
        var cache = await CreateCredentialAsync("prod-cache", true, "token");
        var queue = await CreateCredentialAsync("queue", true, "url");
        await CreateServiceAsync("payments-api", db);
        var page = await RenderServiceAsync("payments-api");
        await AddViaSearchAsync(page, "prod-cache");

        await Mappings.PutAsync(DomainHost.Alice, "payments-api", new ServiceMappingInput { Credentials = [db, queue] });
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Contains("changed this service", page.Find("#service-conflict").TextContent, StringComparison.Ordinal));
        Assert.Equal(["prod-db", "prod-cache"], Mapped(page));
        var stored = await StoredAsync("payments-api");
        Assert.Equal(2, stored.Item.Revision);
        Assert.Equal([db, queue], stored.Item.Credentials);
        Assert.DoesNotContain(cache, stored.Item.Credentials);

        await page.Find("#reload-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Equal(["prod-db", "queue"], Mapped(page)));
        Assert.Empty(page.FindAll("#service-conflict"));
        Assert.Contains("Revision 2", page.Find("#service-revision").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_NewServiceThatSomeoneElseCreatedFirst_IsAConflict()
    {
        await CreateCredentialAsync("prod-db", true, "password");
        var page = await RenderNewAsync();
        await page.Find("#service-name").InputAsync("payments-api");
        await AddViaSearchAsync(page, "prod-db");

        await CreateServiceAsync("payments-api");
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("#save-service").HasAttribute("disabled")));
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Single(page.FindAll("#service-conflict")));
        Assert.Empty((await StoredAsync("payments-api")).Item.Credentials);
    }

    [Fact]
    public async Task Save_InvalidName_ShowsTheDomainRefusal()
    {
        var page = await RenderNewAsync();

        await page.Find("#service-name").InputAsync("team/payments");
        await page.WaitForAssertionAsync(() => Assert.False(page.Find("#save-service").HasAttribute("disabled")));
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Contains("without '/'", page.Find("#service-error").TextContent, StringComparison.Ordinal));
        Assert.Empty((await Mappings.ListAsync(DomainHost.Alice)).Items);
    }

    [Fact]
    public async Task Render_Reader_IsReadOnlyAndTheDomainRefusesItsWrite()
    {
        var db = await CreateCredentialAsync("prod-db", true, "password");
        await CreateServiceAsync("payments-api", db);
        SignIn(ConfidantRoles.Reader);

        var page = await RenderServiceAsync("payments-api");

        Assert.Equal(["prod-db"], Mapped(page));
        Assert.Single(page.FindAll("#service-read-only"));
        Assert.Empty(page.FindAll("#save-service"));
        Assert.Empty(page.FindAll("#credential-search"));
        Assert.Empty(page.FindAll("#ensure-grants"));

        // spec §3: the ACL, not the page, is the enforcement point.
        var reader = ConfidantPrincipal.ForUser("alice@example.com", roles: new HashSet<string> { ConfidantRoles.Reader });
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Mappings.PutAsync(reader, "payments-api", new ServiceMappingInput { Credentials = [] }));
        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
    }

    [Fact]
    public async Task Render_EditorOnNewService_IsReadOnlyBecauseCreatingNeedsAdmin()
    {
        // spec §3 (this port's roles): creating a service is an admin action.
        SignIn(ConfidantRoles.Editor);

        var page = await RenderNewAsync();

        Assert.Contains("admin", page.Find("#service-read-only").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#save-service"));
    }

    [Fact]
    public async Task Render_UnknownService_SaysItDoesNotExist()
    {
        var page = Render<ServiceEdit>(p => p.Add(e => e.Id, "nope"));

        await page.WaitForAssertionAsync(() => Assert.Contains("no such service", page.Find("#service-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TypeName_RoleSuggestions_ComeFromTheConfiguredRoles()
    {
        var popovers = Render<MudPopoverProvider>();
        var page = await RenderNewAsync();

        await page.Find("#service-name").InputAsync("pay");

        await popovers.WaitForAssertionAsync(() => Assert.Contains("payments-api", popovers.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("billing-worker", popovers.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_LocalKeyService_SaysGrantsAreNotUsedAndOffersNoEnsure()
    {
        await CreateServiceAsync("payments-api");

        var page = await RenderServiceAsync("payments-api");

        // The local key ring keeps no grants (spec §8.4 needs AWS KMS): no status that would read as "missing".
        await page.WaitForAssertionAsync(() => Assert.Contains("keeps no grants", page.Find("#grants-not-used").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("#grant-encrypt"));
        Assert.Empty(page.FindAll("#grant-decrypt"));
        Assert.Empty(page.FindAll("#ensure-grants"));
        Assert.Single(page.FindAll("#save-service"));
    }

    [Fact]
    public async Task Render_ScriptInCredentialName_RendersAsText()
    {
        const string name = "<script>alert(1)</script>";
        var id = await CreateCredentialAsync(name, true, "password");
        await CreateServiceAsync("payments-api", id);

        var page = await RenderServiceAsync("payments-api");

        Assert.Equal([name], Mapped(page));
        Assert.Empty(page.FindAll("script"));
        Assert.Contains("&lt;script&gt;", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_OtherAccountChosen_StoresTheScope()
    {
        await Mappings.PutAsync(DomainHost.Alice, "payments-api", new ServiceMappingInput { Account = "prod" });
        var popovers = Render<MudPopoverProvider>();
        var page = await RenderServiceAsync("payments-api");
        Assert.Equal("prod", page.FindComponent<MudSelect<string>>().Instance.GetState(x => x.Value));

        await page.Find("#service-account").ParentElement!.MouseDownAsync(new());
        await popovers.WaitForAssertionAsync(() => Assert.Contains(popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == "staging"));
        await popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == "staging").ClickAsync(new());
        await page.WaitForAssertionAsync(() => Assert.Equal("staging", page.FindComponent<MudSelect<string>>().Instance.GetState(x => x.Value)));
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Contains("Revision 2", page.Find("#service-revision").TextContent, StringComparison.Ordinal));
        Assert.Equal("staging", (await StoredAsync("payments-api")).Item.Account);
    }

    [Fact]
    public async Task Save_AccountUnchanged_KeepsTheScope()
    {
        await Mappings.PutAsync(DomainHost.Alice, "payments-api", new ServiceMappingInput { Account = "prod" });
        var page = await RenderServiceAsync("payments-api");

        await page.Find("#service-enabled").ChangeAsync(new() { Value = false });
        await page.Find("#save-service").ClickAsync(new());

        await page.WaitForAssertionAsync(() => Assert.Contains("Revision 2", page.Find("#service-revision").TextContent, StringComparison.Ordinal));
        var stored = (await StoredAsync("payments-api")).Item;
        Assert.Equal("prod", stored.Account);
        Assert.False(stored.Enabled);
    }

    private async Task<IRenderedComponent<ServiceEdit>> RenderNewAsync()
    {
        var page = Render<ServiceEdit>();
        await page.WaitForStateAsync(() => page.FindAll(".service-mapping-editor").Count == 1);
        return page;
    }

    private async Task<IRenderedComponent<ServiceEdit>> RenderServiceAsync(string id)
    {
        var page = Render<ServiceEdit>(p => p.Add(e => e.Id, id));
        await page.WaitForStateAsync(() => page.FindAll(".service-mapping-editor").Count == 1);
        return page;
    }

    private static async Task AddViaSearchAsync(IRenderedComponent<ServiceEdit> page, string name)
    {
        await page.Find("#credential-search").InputAsync(name);
        await page.WaitForAssertionAsync(() => Assert.Contains(page.FindAll(".credential-option"), o => o.TextContent.Trim() == name));
        await page.FindAll(".credential-option").First(o => o.TextContent.Trim() == name).ClickAsync(new());
        await page.WaitForAssertionAsync(() => Assert.Contains(name, Mapped(page)));
    }

    private static List<string> Mapped(IRenderedComponent<ServiceEdit> page) =>
        page.FindAll(".mapped-credential p").Select(p => p.TextContent).ToList();
}
