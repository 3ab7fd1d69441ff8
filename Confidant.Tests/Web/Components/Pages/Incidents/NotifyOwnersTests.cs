using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Owners;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;
using Confidant.Web.Components.Pages.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Components.Pages.Incidents;

/// <summary>
/// The owners' message on its page: the default text for the incident to edit, then sent as edited through a real
/// SMTP server. The incident comes through the <see cref="IIncidentNotices"/> seam the exposure area fills; here a
/// fixed notice stands in for its marks.
/// </summary>
public sealed class NotifyOwnersTests : ResourceComponentTestContext, IClassFixture<SmtpReceiverFixture>
{
    private static readonly IncidentNotice Incident = new(
        "INC-9",
        "token pasted in a public channel",
        [new IncidentNoticeResource("credential", "0123456789abcdef0123456789abcdef", "stripe", ["api_key"], ["dba@example.com", "nobody-team"], ["billing"])]);

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
        Services.AddSingleton<IIncidentNotices>(new KnownIncidents(Incident));
        SignIn(ConfidantRoles.Admin);
        var page = Render<NotifyOwners>(p => p.Add(x => x.Reference, "INC-9"));
        await page.WaitForAssertionAsync(() => Assert.NotNull(page.Find("#notify-send")));

        Assert.Equal("Rotate exposed secrets (incident INC-9)", Value(page.Find("#notify-subject")));
        Assert.Contains("- credential stripe (0123456789abcdef0123456789abcdef): api_key; used by billing", Value(page.Find("#notify-body")), StringComparison.Ordinal);
        Assert.Equal("To: dba@example.com", page.Find("#notify-recipients").TextContent.Trim());
        Assert.Contains("nobody-team", page.Find("#notify-unresolved").TextContent, StringComparison.Ordinal);

        await page.Find("#notify-subject").ChangeAsync(new() { Value = "Stripe key leaked" });
        await page.Find("#notify-body").ChangeAsync(new() { Value = "Rotate {resources} today, please." });
        await page.Find("#notify-send").ClickAsync();

        var mail = await _smtp.NextAsync();
        Assert.Equal(["dba@example.com"], mail.EnvelopeTo);
        Assert.Equal("Stripe key leaked", mail.Message.Subject);
        Assert.Equal("Rotate - credential stripe (0123456789abcdef0123456789abcdef): api_key; used by billing today, please.", mail.Body.TrimEnd('\r', '\n'));
        await page.WaitForAssertionAsync(() => Assert.Contains("e-mail to dba@example.com", page.Find("#notify-sent").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("#notify-send"));
    }

    [Fact]
    public async Task Render_Editor_RefusedWithoutADraft()
    {
        Services.AddSingleton<IIncidentNotices>(new KnownIncidents(Incident));
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

    // Blazor renders a bound value as the element's value attribute, for inputs and text areas alike.
    private static string Value(AngleSharp.Dom.IElement field) => field.GetAttribute("value") ?? field.TextContent;
}
