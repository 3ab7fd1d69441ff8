using Bunit;
using Confidant.Services.Audit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Audit;

namespace Confidant.Tests.Web.Components.Pages.Audit;

public sealed class AuditChainListTests : ComponentTestContext
{
    private static readonly DateTimeOffset Opened = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_CheckpointedChain_CoveredUpToItAndTheRecordsAfter()
    {
        var checkpoint = new AuditCheckpoint("c1", 3, 2000, new string('a', 64), Opened.AddMinutes(5), false, [], string.Empty, "alias/confidant-audit", "mac");
        var chains = new[] { new AuditChainStatus(new AuditChain("c1", Opened, "host pid 1"), 2042, Opened.AddMinutes(6), checkpoint) };

        var list = Render<AuditChainList>(p => p.Add(x => x.Chains, chains));

        var text = list.Find(".audit-chain[data-chain='c1']").TextContent;
        Assert.Contains("(open, 2042 records)", text, StringComparison.Ordinal);
        Assert.Contains("covered up to checkpoint 3 (record 2000) at 2026-03-01 12:05 UTC", text, StringComparison.Ordinal);
        Assert.Contains("42 records not yet covered", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ManyClosedChains_OpenFirstThenTheLatestAndACount()
    {
        var chains = Enumerable.Range(0, 12)
            .Select(i => new AuditChainStatus(new AuditChain($"closed{i:D2}", Opened.AddHours(i), "host", Opened.AddHours(i + 1)), 5, Opened.AddHours(i), null))
            .Append(new AuditChainStatus(new AuditChain("open", Opened, "host"), 1, Opened, null))
            .ToList();

        var list = Render<AuditChainList>(p => p.Add(x => x.Chains, chains));

        var shown = list.FindAll(".audit-chain").Select(e => e.GetAttribute("data-chain")).ToList();
        Assert.Equal(["open", "closed11", "closed10", "closed09", "closed08", "closed07", "closed06", "closed05", "closed04", "closed03"], shown);
        Assert.Contains("and 3 older closed chains", list.Find("#audit-status-more").TextContent, StringComparison.Ordinal);
    }
}
