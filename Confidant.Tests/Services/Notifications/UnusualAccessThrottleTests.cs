using Confidant.Services.Audit;
using Confidant.Services.Notifications.UnusualAccess;

namespace Confidant.Tests.Services.Notifications;

public sealed class UnusualAccessThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Admit_PerPrincipal_TheFirstOnesThenCountedUntilTheWindowEnds()
    {
        var throttle = new UnusualAccessThrottle(2, TimeSpan.FromMinutes(1));

        var alice = Enumerable.Range(0, 5).Select(i => throttle.Admit(Record("alice", $"c{i}", AuditFlags.FirstAccess), Start.AddSeconds(i))).ToList();
        var bob = throttle.Admit(Record("bob", "c9", AuditFlags.Rate), Start.AddSeconds(5));

        Assert.Equal([true, true, false, false, false], alice);
        Assert.True(bob);
        Assert.Empty(throttle.TakeDue(Start.AddSeconds(59)));
        var summary = Assert.Single(throttle.TakeDue(Start.AddSeconds(60)));
        Assert.Equal(("alice", 3), (summary.Principal.Name, summary.Count));
        Assert.Equal(["c2", "c3", "c4"], summary.Resources.Select(r => r.Id));
        Assert.Equal(3, summary.ByFlag[AuditFlags.FirstAccess]);
        Assert.Empty(throttle.TakeDue(Start.AddSeconds(120)));

        // A new window after the old one ended: sent on its own again.
        Assert.True(throttle.Admit(Record("alice", "c5", AuditFlags.FirstAccess), Start.AddSeconds(61)));
    }

    [Fact]
    public void Admit_AfterTheWindowEndedButBeforeItWasChecked_TheSummaryIsKept()
    {
        var throttle = new UnusualAccessThrottle(1, TimeSpan.FromMinutes(1));
        throttle.Admit(Record("alice", "c1", AuditFlags.Rate), Start);
        throttle.Admit(Record("alice", "c2", AuditFlags.Rate), Start.AddSeconds(1));

        Assert.True(throttle.Admit(Record("alice", "c3", AuditFlags.Rate), Start.AddSeconds(70)));

        var summary = Assert.Single(throttle.TakeDue(Start.AddSeconds(71)));
        Assert.Equal((1, "c2"), (summary.Count, summary.Resources.Single().Id));
    }

    [Fact]
    public void Admit_BeyondThePrincipalBound_NewcomersShareOneWindow()
    {
        var throttle = new UnusualAccessThrottle(1, TimeSpan.FromMinutes(1));
        for (var i = 0; i < UnusualAccessThrottle.MaxPrincipals; i++)
        {
            throttle.Admit(Record($"p{i}", "c", AuditFlags.FirstAccess), Start);
        }

        var first = throttle.Admit(Record("late-1", "c", AuditFlags.FirstAccess), Start);
        var second = throttle.Admit(Record("late-2", "c", AuditFlags.FirstAccess), Start);

        Assert.Equal((true, false), (first, second));
        var summary = Assert.Single(throttle.TakeDue(Start.AddMinutes(1)));
        Assert.Equal(UnusualAccessPrincipal.Others, summary.Principal);
    }

    private static AuditRecord Record(string actor, string credential, string flag) => new(
        "chain",
        1,
        Start,
        new AuditEntry
        {
            Action = AuditActions.Reveal,
            Outcome = AuditOutcomes.Delivered,
            ResourceType = "credential",
            ResourceId = credential,
            Revision = 1,
            Actor = new AuditActor(actor, "user", null, actor, null, AuditAuthMethods.Oidc),
            Origin = AuditOrigin.Unknown,
        },
        [flag],
        new string('0', 64),
        new string('1', 64));
}
