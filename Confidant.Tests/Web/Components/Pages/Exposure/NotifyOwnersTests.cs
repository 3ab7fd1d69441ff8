using System.Text.Json;
using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;
using Confidant.Web.Components.Pages.Exposure;

namespace Confidant.Tests.Web.Components.Pages.Exposure;

/// <summary>
/// The owners' message on its page: the default text for an incident opened by marking a credential exposed, to edit,
/// then sent as edited through a real SMTP server to the owner its metadata names.
/// </summary>
public sealed class NotifyOwnersTests : ResourceComponentTestContext, IClassFixture<SmtpReceiverFixture>
{
    private readonly SmtpReceiver _smtp;

    public NotifyOwnersTests(SmtpReceiverFixture smtp)
    {
        _smtp = smtp.Receiver;
        foreach (var (key, value) in NotificationSettings.Smtp(_smtp))
        {
            DomainSettings[key] = value;
        }
    }

    [Fact]
    public async Task Send_AfterEditing_TheEditedTextArrivesAndTheEventIsShown()
    {
        var id = await OpenIncidentAsync();
        SignIn(ConfidantRoles.Admin);
        var page = Render<NotifyOwners>(p => p.Add(x => x.Reference, "INC-9"));
        await page.WaitForAssertionAsync(() => Assert.NotNull(page.Find("#notify-send")));

        Assert.Equal("Rotate exposed secrets (incident INC-9)", Value(page.Find("#notify-subject")));
        Assert.Contains($"- credential stripe ({id}): api_key; used by billing", Value(page.Find("#notify-body")), StringComparison.Ordinal);
        Assert.Equal("To: dba@example.com", page.Find("#notify-recipients").TextContent.Trim());
        Assert.Contains("nobody-team", page.Find("#notify-unresolved").TextContent, StringComparison.Ordinal);

        await page.Find("#notify-subject").ChangeAsync(new() { Value = "Stripe key leaked" });
        await page.Find("#notify-body").ChangeAsync(new() { Value = "Rotate {resources} today, please." });
        await page.Find("#notify-send").ClickAsync();

        var mail = await _smtp.NextAsync();
        Assert.Equal(["dba@example.com"], mail.EnvelopeTo);
        Assert.Equal("Stripe key leaked", mail.Message.Subject);
        Assert.Equal($"Rotate - credential stripe ({id}): api_key; used by billing today, please.", mail.Body.TrimEnd('\r', '\n'));
        await page.WaitForAssertionAsync(() => Assert.Contains("e-mail to dba@example.com", page.Find("#notify-sent").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("#notify-send"));
    }

    [Fact]
    public async Task Render_Editor_RefusedWithoutADraft()
    {
        await OpenIncidentAsync();
        SignIn(ConfidantRoles.Editor);

        var page = Render<NotifyOwners>(p => p.Add(x => x.Reference, "INC-9"));

        await page.WaitForAssertionAsync(() => Assert.Equal(
            "alice@example.com may not notify the owners of incident INC-9", page.Find("#notify-error").TextContent));
        Assert.Empty(page.FindAll("#notify-send"));
    }

    [Fact]
    public async Task Render_IncidentNoMarkNames_SaysSo()
    {
        SignIn(ConfidantRoles.Admin);

        var page = Render<NotifyOwners>(p => p.Add(x => x.Reference, "INC-404"));

        await page.WaitForAssertionAsync(() => Assert.Equal("No exposure mark names incident INC-404.", page.Find("#notify-error").TextContent));
        Assert.Empty(page.FindAll("#notify-subject"));
        Assert.False(_smtp.HasPending);
    }

    /// <summary>Incident INC-9: credential stripe, owned by dba@example.com and nobody-team, mapped to billing, marked exposed.</summary>
    private async Task<string> OpenIncidentAsync()
    {
        var stripe = await Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("stripe", ("api_key", "sk_live_1")) with
        {
            Metadata = JsonDocument.Parse("{\"owner\": \"dba@example.com, nobody-team\"}").RootElement.Clone(),
        });
        await CreateServiceAsync("billing", [stripe.Item.Id]);
        await Host.Get<ExposureService>().MarkAsync(
            DomainHost.Alice, AclResources.Credential, stripe.Item.Id, new ExposureInput("token pasted in a public channel", "INC-9"));
        return stripe.Item.Id;
    }

    // Blazor renders a bound value as the element's value attribute, for inputs and text areas alike.
    private static string Value(AngleSharp.Dom.IElement field) => field.GetAttribute("value") ?? field.TextContent;
}
