using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Shared;

namespace Confidant.Tests.Web.Components.Shared;

public sealed class LocalTimeTests : ComponentTestContext
{
    private static readonly DateTimeOffset Moment = new(2026, 3, 1, 23, 30, 15, TimeSpan.Zero);

    [Fact]
    public void Render_BrowserZoneKnown_ShowsLocalTimeWithUtcOnHover()
    {
        JSInterop.Setup<string>("confidant.timeZone").SetResult("Asia/Tokyo");

        var cut = Render<LocalTime>(p => p.Add(c => c.Value, Moment));

        cut.WaitForAssertion(() => Assert.Equal("2026-03-02 08:30 +09:00", cut.Find("time").TextContent));
        Assert.Equal("2026-03-01 23:30:15 UTC", cut.Find("time").GetAttribute("title"));
        Assert.Equal("2026-03-01T23:30:15.0000000Z", cut.Find("time").GetAttribute("datetime"));
    }

    [Theory]
    [InlineData("Not/AZone")]
    [InlineData(null)]
    public void Render_BrowserZoneUnknown_ShowsUtc(string? zone)
    {
        JSInterop.Setup<string>("confidant.timeZone").SetResult(zone!);

        var cut = Render<LocalTime>(p => p.Add(c => c.Value, Moment));

        cut.WaitForAssertion(() => Assert.Equal(1, JSInterop.Invocations.Count(i => i.Identifier == "confidant.timeZone")));
        Assert.Equal("2026-03-01 23:30 UTC", cut.Find("time").TextContent);
    }

    [Fact]
    public void Render_NoValue_ShowsTheEmptyText()
    {
        var cut = Render<LocalTime>(p => p.Add(c => c.Value, null).Add(c => c.Empty, "not rotated yet"));

        Assert.Empty(cut.FindAll("time"));
        Assert.Equal("not rotated yet", cut.Find(".local-time-none").TextContent);
    }

    [Fact]
    public void Render_TwoTimes_AskTheBrowserOnce()
    {
        JSInterop.Setup<string>("confidant.timeZone").SetResult("Europe/Berlin");

        var first = Render<LocalTime>(p => p.Add(c => c.Value, Moment));
        first.WaitForAssertion(() => Assert.Equal("2026-03-02 00:30 +01:00", first.Find("time").TextContent));
        var second = Render<LocalTime>(p => p.Add(c => c.Value, Moment.AddMonths(4)));

        Assert.Equal("2026-07-02 01:30 +02:00", second.Find("time").TextContent);
        Assert.Equal(1, JSInterop.Invocations.Count(i => i.Identifier == "confidant.timeZone"));
    }
}
