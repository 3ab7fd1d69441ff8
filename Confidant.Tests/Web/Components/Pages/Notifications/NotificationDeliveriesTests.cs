using Bunit;
using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Notifications;

namespace Confidant.Tests.Web.Components.Pages.Notifications;

public sealed class NotificationDeliveriesTests : ResourceComponentTestContext
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Render_Admin_NewestFirstWithEveryColumn()
    {
        var eventId = DeliveryAttemptIds.New();
        await SeedAsync(
            Attempt(eventId, "ops", 1, Start, DeliveryOutcomes.Retrying, "500", null, Start.AddSeconds(2)),
            Attempt(eventId, "ops", 2, Start.AddSeconds(2), DeliveryOutcomes.Delivered, "200", null, null),
            Attempt(DeliveryAttemptIds.New(), DeliveryChannels.SmtpEndpoint, 1, Start.AddSeconds(1), DeliveryOutcomes.Refused, null, "tls", null) with { Channel = DeliveryChannels.Email });
        SignIn(ConfidantRoles.Admin);

        var page = Render<NotificationDeliveries>();

        await page.WaitForAssertionAsync(() => Assert.Equal(3, Rows(page).Count));
        Assert.Equal(
            [("webhook ops", "2", "delivered", "200"), ("email smtp", "1", "refused", "tls"), ("webhook ops", "1", "retrying", "500")],
            Rows(page));
        var retry = page.FindAll("tr.delivery-row")[2];
        Assert.Equal(eventId[..8], retry.QuerySelector(".delivery-event")!.TextContent);
        Assert.Equal("service_update", retry.QuerySelector(".delivery-type")!.TextContent);
        Assert.Equal(Start.AddSeconds(2).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture), retry.QuerySelectorAll("time")[1].GetAttribute("datetime"));
        Assert.Contains("3 attempts, newest first", page.Find("#deliveries-count").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#deliveries-more"));
    }

    [Fact]
    public async Task Apply_OutcomeAndEndpoint_OnlyTheirAttempts()
    {
        await SeedAsync(
            Attempt(DeliveryAttemptIds.New(), "ops", 1, Start, DeliveryOutcomes.Failed, null, "timeout", null),
            Attempt(DeliveryAttemptIds.New(), "audit-sink", 1, Start.AddSeconds(1), DeliveryOutcomes.Failed, null, "unreachable", null),
            Attempt(DeliveryAttemptIds.New(), "ops", 1, Start.AddSeconds(2), DeliveryOutcomes.Delivered, "200", null, null));
        SignIn(ConfidantRoles.Admin);
        var page = Render<NotificationDeliveries>();
        await page.WaitForAssertionAsync(() => Assert.Equal(3, Rows(page).Count));

        await page.Find("#deliveries-outcome-failed").ClickAsync();
        await page.Find("#deliveries-endpoint").ChangeAsync(new() { Value = "ops" });
        await page.Find("#deliveries-apply").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Equal([("webhook ops", "1", "failed", "timeout")], Rows(page)));
    }

    [Fact]
    public async Task LoadMore_AfterTheFirstHundred_TheRestOnce()
    {
        await SeedAsync([.. Enumerable.Range(0, 130).Select(i =>
            Attempt(DeliveryAttemptIds.New(), "ops", 1, Start.AddSeconds(i), DeliveryOutcomes.Delivered, "200", null, null))]);
        SignIn(ConfidantRoles.Admin);
        var page = Render<NotificationDeliveries>();
        await page.WaitForAssertionAsync(() => Assert.Equal(100, Rows(page).Count));
        Assert.Contains("more match the filters", page.Find("#deliveries-count").TextContent, StringComparison.Ordinal);

        await page.Find("#deliveries-more").ClickAsync();

        await page.WaitForAssertionAsync(() => Assert.Equal(130, page.FindAll("tr.delivery-row").Count));
        var times = page.FindAll("tr.delivery-row").Select(r => r.QuerySelector("time")!.GetAttribute("datetime")).ToList();
        Assert.Equal(130, times.Distinct().Count());
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Empty(page.FindAll("#deliveries-more"));
    }

    [Theory]
    [InlineData(ConfidantRoles.Editor)]
    [InlineData(ConfidantRoles.Reader)]
    public async Task Render_BelowAdmin_RefusedWithoutReading(string role)
    {
        await SeedAsync(Attempt(DeliveryAttemptIds.New(), "ops", 1, Start, DeliveryOutcomes.Delivered, "200", null, null));
        SignIn(role);

        var page = Render<NotificationDeliveries>();

        await page.WaitForAssertionAsync(() => Assert.Equal("The delivery log is for admins.", page.Find("#deliveries-forbidden").TextContent));
        Assert.Empty(page.FindAll("tr.delivery-row"));
    }

    private Task SeedAsync(params DeliveryAttempt[] attempts) => Host.Get<IDeliveryLogStore>().AppendAsync(attempts);

    private static List<(string Endpoint, string Attempt, string Outcome, string Answer)> Rows(IRenderedComponent<NotificationDeliveries> page) =>
        [.. page.FindAll("tr.delivery-row").Select(r => (
            r.QuerySelector(".delivery-endpoint")!.TextContent.Trim(),
            r.QuerySelector(".delivery-attempt")!.TextContent.Trim(),
            r.QuerySelector(".delivery-outcome")!.TextContent.Trim(),
            r.QuerySelector(".delivery-answer")!.TextContent.Trim()))];

    private static DeliveryAttempt Attempt(
        string eventId, string endpoint, int attempt, DateTimeOffset time, string outcome, string? status, string? error, DateTimeOffset? next) =>
        new(DeliveryAttemptIds.New(), eventId, "service_update", DeliveryChannels.Webhook, endpoint, attempt, time, outcome, status, error, next);
}
