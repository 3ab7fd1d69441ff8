using Confidant.Services.Audit;
using Confidant.Services.Errors;
using Confidant.Tests.Support.Audit;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

/// <summary>
/// The audit store's behaviour through the ledger, written once and run against every backend: records round-trip,
/// queries filter and page newest first without loss or repeat, the access summary counts, flags mark unusual access.
/// </summary>
public abstract class AuditStoreContract(AuditBacking backing) : AuditLedgerTestBase(backing)
{
    private static readonly AuditActor Alice = Person("alice@example.com");
    private static readonly AuditActor Billing = Workload("billing", account: "acct2");

    [Fact]
    public async Task Record_ThenQuery_RoundTripsEveryField()
    {
        var log = NewLog();
        var entry = ServiceRead(Billing, "billing", ("c1", 3), ("c2", 1)) with { Detail = "note ünïcode" };

        await log.RecordAsync(entry);

        var records = await AllAsync();
        var read = records[0];
        Assert.Equal(entry.Action, read.Entry.Action);
        Assert.Equal((entry.Outcome, entry.ResourceType, entry.ResourceId, entry.Via, entry.Detail), (read.Entry.Outcome, read.Entry.ResourceType, read.Entry.ResourceId, read.Entry.Via, read.Entry.Detail));
        Assert.Equal(entry.Items, read.Entry.Items);
        Assert.Equal(entry.Actor, read.Entry.Actor);
        Assert.Equal(entry.Origin, read.Entry.Origin);
        Assert.InRange(read.Time, AuditCanonical.Truncate(Time.GetUtcNow()), Time.GetUtcNow().AddMilliseconds(1));
        Assert.Equal([AuditFlags.FirstAccess], read.Flags);
        Assert.Equal((log.CurrentChainId, 2L), (read.ChainId, read.Sequence));
        Assert.Equal(64, read.Hash.Length);
        var open = records[1];
        Assert.Equal((AuditActions.ChainOpen, 1L, AuditCanonical.GenesisHash, open.Hash), (open.Entry.Action, open.Sequence, open.PreviousHash, read.PreviousHash));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task Query_Filters_ResourceMatchesItemsToo()
    {
        var log = NewLog();
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 1), ("c2", 1)));
        Time.Advance(TimeSpan.FromMinutes(1));
        var middle = Time.GetUtcNow();
        await log.RecordAsync(Reveal(Alice, "c2", 1));
        await log.RecordAsync(Reveal(Alice, "c3", 4, AuditOutcomes.Denied));
        Time.Advance(TimeSpan.FromMinutes(1));
        await log.RecordAsync(ServiceRead(Workload("payroll"), "payroll", ("c3", 4)));

        static string Describe(AuditRecord r) => $"{r.Entry.Action}:{r.Entry.ResourceId}:{r.Entry.Actor.Name}";
        async Task<string[]> FindAsync(AuditQuery query) => [.. (await AllAsync(query)).Select(Describe)];

        Assert.Equal(["reveal:c2:alice@example.com", "service_read:billing:billing"], await FindAsync(new AuditQuery(ResourceId: "c2")));
        Assert.Equal(["service_read:billing:billing"], await FindAsync(new AuditQuery(ResourceId: "billing")));
        Assert.Equal(["reveal:c3:alice@example.com", "reveal:c2:alice@example.com"], await FindAsync(new AuditQuery(Actor: "alice@example.com")));
        Assert.Equal(["reveal:c3:alice@example.com"], await FindAsync(new AuditQuery { Outcome = AuditOutcomes.Denied }));
        Assert.Equal(["service_read:payroll:payroll", "service_read:billing:billing"], await FindAsync(new AuditQuery { Action = AuditActions.ServiceRead }));
        Assert.Equal(["reveal:c3:alice@example.com", "reveal:c2:alice@example.com"], await FindAsync(new AuditQuery { From = middle, To = middle.AddMinutes(1) }));
        Assert.Equal(["service_read:payroll:payroll", "reveal:c2:alice@example.com", "service_read:billing:billing"], await FindAsync(new AuditQuery { Flag = AuditFlags.FirstAccess }));
        Assert.Equal(["reveal:c3:alice@example.com"], await FindAsync(new AuditQuery(ResourceId: "c3", Actor: "alice@example.com")));
    }

    [Fact]
    public async Task Query_TwoChains_PagesNewestFirstWithoutLossOrRepeat()
    {
        var first = NewLog();
        var second = NewLog(Backing.Open());
        for (var i = 0; i < 30; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            await (i % 3 == 0 ? second : first).RecordAsync(Reveal(Alice, $"c{i}", i + 1));
        }

        var pages = new List<IReadOnlyList<AuditRecord>>();
        string? page = null;
        do
        {
            var result = await Store.QueryAsync(new AuditQuery(Limit: 4, Page: page) { Action = AuditActions.Reveal });
            pages.Add(result.Records);
            page = result.NextPage;
        }
        while (page is not null);

        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(Enumerable.Range(1, 30).Reverse(), all.Select(r => r.Entry.Revision!.Value));
        Assert.Equal(all.Select(r => r.Position).OrderDescending(), all.Select(r => r.Position));
        Assert.Equal(2, all.Select(r => r.ChainId).Distinct().Count());
        Assert.All(pages.SkipLast(1), p => Assert.Equal(4, p.Count));
    }

    [Fact]
    public async Task Query_ResourceInSeveralDeliveredLists_PagesNewestFirstWithoutLossOrRepeat()
    {
        // c1 reaches principals in lists of several shapes and revisions, on its own, and in a diff that names it twice.
        var log = NewLog();
        for (var i = 0; i < 6; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 1 + (i % 3)), ("c2", 1)));
            await log.RecordAsync(ServiceRead(Workload("payroll"), "payroll", ("c1", 1 + (i % 2))));
            await log.RecordAsync(Reveal(Alice, "c1", 3));
            await log.RecordAsync(Reveal(Alice, "c9", 1));
            await log.RecordAsync(Reveal(Alice, "c1", 3) with
            {
                Action = AuditActions.Diff,
                Items = [new AuditItem("credential", "c1", 2), new AuditItem("credential", "c1", 3)],
            });
        }

        var pages = new List<IReadOnlyList<AuditRecord>>();
        string? page = null;
        do
        {
            var result = await Store.QueryAsync(new AuditQuery(ResourceId: "c1", Limit: 4, Page: page));
            pages.Add(result.Records);
            page = result.NextPage;
        }
        while (page is not null);

        var expected = (await AllAsync()).Where(new AuditQuery(ResourceId: "c1").Matches).Select(r => r.Position).ToList();
        Assert.Equal(24, expected.Count);
        Assert.Equal(expected, pages.SelectMany(p => p).Select(r => r.Position));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(4, p.Count));
    }

    [Fact]
    public async Task Query_ChainClosedWhileTheClockStoodStill_StillMergedNewestFirst()
    {
        // With the clock standing still, records are spaced a microsecond apart past it, so a chain can end after the
        // clock's time of closing; an open chain's record falls between them.
        var closing = NewLog(Backing.Open());
        for (var i = 0; i < 5; i++)
        {
            await closing.RecordAsync(Reveal(Alice, "c1", i + 1));
        }

        var closedChain = closing.CurrentChainId!;
        await closing.CloseAsync();
        var open = NewLog(Backing.Open());
        await open.RecordAsync(Reveal(Alice, "c1", 6));

        var expected = (await ChainAsync(closedChain)).Concat(await ChainAsync(open.CurrentChainId!))
            .Select(r => r.Position).OrderDescending();
        Assert.Equal(expected, (await AllAsync()).Select(r => r.Position));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("MjAyNg")]
    [InlineData("MTA6bm90LWEtY2hhaW46Mw")]
    public async Task Query_MalformedPage_FailedToParsePage(string page)
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Store.QueryAsync(new AuditQuery(Page: page)));

        Assert.Equal("Failed to parse page", error.Message);
    }

    [Fact]
    public async Task Access_CountsEachPrincipalPerRevision_SinceFiltersByLastDelivery()
    {
        var log = NewLog();
        var start = AuditCanonical.Truncate(Time.GetUtcNow());
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 1), ("c2", 1)));
        Time.Advance(TimeSpan.FromMinutes(5));
        var rotated = AuditCanonical.Truncate(Time.GetUtcNow());
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 2)));
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 2)));
        await log.RecordAsync(Reveal(Alice, "c1", 2));
        await log.RecordAsync(Reveal(Person("mallory@example.com"), "c1", 2, AuditOutcomes.Denied));

        var all = await log.AccessAsync("credential", "c1");
        var sinceRotation = await log.AccessAsync("credential", "c1", since: rotated);

        var billing = Assert.Single(all, a => a.ActorName == "billing");
        Assert.Equal(("service", "acct2", 3L), (billing.ActorType, billing.Account, billing.Count));
        Assert.Equal([1, 2], billing.Revisions);
        Assert.InRange(billing.First, start, start.AddMilliseconds(1));
        Assert.InRange(billing.Last, rotated, rotated.AddMilliseconds(1));
        Assert.Equal(["alice@example.com", "billing"], all.Select(a => a.ActorName).Order(StringComparer.Ordinal));
        var recent = Assert.Single(sinceRotation, a => a.ActorName == "billing");
        Assert.Equal(2L, recent.Count);
        Assert.Equal([2], recent.Revisions);
        var alice = Assert.Single(sinceRotation, a => a.ActorName == "alice@example.com");
        Assert.Equal(("user", 1L), (alice.ActorType, alice.Count));
        Assert.Empty(await log.AccessAsync("credential", "c9"));
    }

    [Fact]
    public async Task Flags_FirstAccessOncePerPrincipalAndResource_RateOverThreshold()
    {
        var log = NewLog(configure: o => o.RateThreshold = 3);
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 1)));
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 2)));
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 2), ("c2", 1)));
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 2)));
        await log.RecordAsync(Reveal(Alice, "c1", 2));
        await log.RecordAsync(Reveal(Alice, "c1", 2, AuditOutcomes.Denied));

        // A second ledger (another instance) learns from the store what the first already recorded.
        Time.Advance(TimeSpan.FromSeconds(1));
        var other = NewLog(Backing.Open());
        await other.RecordAsync(ServiceRead(Billing, "billing", ("c2", 1)));
        await other.RecordAsync(Reveal(Alice, "c3", 1));

        var flags = (await AllAsync(new AuditQuery { Action = null }))
            .Where(r => r.Entry.Actor.Type != "system")
            .OrderBy(r => r.Position)
            .Select(r => string.Join("+", r.Flags))
            .ToArray();
        Assert.Equal(["first_access", string.Empty, "first_access", "rate", "first_access", string.Empty, string.Empty, "first_access"], flags);
        Assert.Single(await AllAsync(new AuditQuery { Flag = AuditFlags.Rate }));
    }

    [Fact]
    public async Task Append_SamePlaceTwiceOrNotFollowingTheHead_ConflictsAndKeepsTheFirst()
    {
        var log = NewLog();
        await log.RecordAsync(Reveal(Alice, "c1", 1));
        var head = (await Store.HeadAsync(log.CurrentChainId!))!;
        var fork = Next(head, "forked");
        var stranger = Backing.Open();

        await stranger.AppendAsync([fork]);
        await Assert.ThrowsAsync<AuditConflictException>(() => Store.AppendAsync([Next(head, "other")]));
        await Assert.ThrowsAsync<AuditConflictException>(() => stranger.AppendAsync([Next(fork, "skipping", skip: 1)]));

        var chain = await ChainAsync(log.CurrentChainId!);
        Assert.Equal([1L, 2, 3], chain.Select(r => r.Sequence));
        Assert.Equal("forked", chain[^1].Entry.ResourceId);
        Assert.True((await VerifyAsync()).Passed);
    }

    private static AuditRecord Next(AuditRecord previous, string credential, int skip = 0)
    {
        var draft = new AuditRecord(previous.ChainId, previous.Sequence + 1 + skip, previous.Time.AddSeconds(1), Reveal(Alice, credential, 1), [], previous.Hash, string.Empty);
        return draft with { Hash = new AuditCanonical().HashOf(draft) };
    }

    [Fact]
    public async Task FindDelivered_KnowsOnlyPairsDeliveredBefore()
    {
        var log = NewLog();
        await log.RecordAsync(ServiceRead(Billing, "billing", ("c1", 1)));
        await log.RecordAsync(Reveal(Alice, "c2", 1, AuditOutcomes.Denied));
        var delivered = new AuditAccessKey("credential", "c1", "service", "billing", "acct2");
        var otherAccount = delivered with { Account = null };
        var denied = new AuditAccessKey("credential", "c2", "user", "alice@example.com", null);

        var found = await Backing.Open().FindDeliveredAsync([delivered, otherAccount, denied]);

        Assert.Equal([delivered], found);
    }
}
