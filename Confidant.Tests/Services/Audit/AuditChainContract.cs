using Confidant.Services.Audit;
using Confidant.Tests.Support.Audit;
using Microsoft.Extensions.Time.Testing;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

/// <summary>
/// Chains on every backend: group commit, concurrent ledgers that never fork, checkpoints by count, by time and at
/// close, a key service outage that delays checkpoints but no delivery, and abandoned chains sealed by another process.
/// </summary>
public abstract class AuditChainContract(AuditBacking backing) : AuditLedgerTestBase(backing)
{
    [Fact]
    public async Task Record_ConcurrentCallers_ShareAppends()
    {
        var store = new CountingAuditStore(Store);
        var log = NewLog(store);

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => log.RecordAsync(Reveal(Person($"p{i}@example.com"), "c1", 1))));

        Assert.Equal(61, (await ChainAsync(log.CurrentChainId!)).Count);
        Assert.InRange(store.Appends, 1, 20);
    }

    [Fact]
    public async Task Record_StoreStalls_EachCallerRefusedAtItsOwnDeadline()
    {
        var store = new CountingAuditStore(Store);
        var log = NewLog(store, configure: o => o.AppendTimeoutSeconds = 5);
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c0", 1));
        var release = store.Hold();

        var first = log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        Time.Advance(TimeSpan.FromSeconds(3));
        var second = log.RecordAsync(Reveal(Person("alice@example.com"), "c2", 1));
        Time.Advance(TimeSpan.FromSeconds(2));
        var firstError = await first.ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default);
        var secondWaitedOn = !second.IsCompleted;
        Time.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        var secondStillWaiting = !second.IsCompleted;
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var secondError = await second.ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default);
        release.SetResult();
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c3", 1));

        Assert.Equal(AuditUnavailableException.DefaultMessage, Assert.IsType<AuditUnavailableException>(firstError).Message);
        Assert.IsType<AuditUnavailableException>(secondError);
        Assert.True(secondWaitedOn && secondStillWaiting, "The later caller was refused before its own deadline.");
        Assert.True((await VerifyAsync()).Passed);
    }

    [Fact]
    public async Task TwoLedgersOnOneStore_ConcurrentAppends_NeverForkAndVerify()
    {
        var first = NewLog(Backing.Open());
        var second = NewLog(Backing.Open());

        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var log = worker % 2 == 0 ? first : second;
            for (var i = 0; i < 25; i++)
            {
                await log.RecordAsync(ServiceRead(Workload($"svc{worker}"), $"svc{worker}", ($"c{i}", 1)));
            }
        })));

        var verification = await VerifyAsync();
        Assert.True(verification.Passed, string.Join("; ", verification.Problems));
        Assert.Equal(2, verification.Chains.Count);
        foreach (var chainId in new[] { first.CurrentChainId!, second.CurrentChainId! })
        {
            var chain = await ChainAsync(chainId);
            Assert.Equal(Enumerable.Range(1, 201).Select(i => (long)i), chain.Select(r => r.Sequence));
        }
    }

    [Fact]
    public async Task Checkpoints_EveryNRecords_ThenFinalOnClose()
    {
        var log = NewLog(configure: o => o.CheckpointRecords = 5);
        for (var i = 0; i < 12; i++)
        {
            await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", i + 1));
        }

        var chainId = log.CurrentChainId!;
        var periodic = await CheckpointsAsync(chainId, atLeast: 2);
        await log.CloseAsync();

        var checkpoints = await Store.ListCheckpointsAsync(chainId);
        var chain = await ChainAsync(chainId);
        Assert.All(periodic, c => Assert.False(c.Final));
        Assert.Equal(Enumerable.Range(1, checkpoints.Count).Select(i => (long)i), checkpoints.Select(c => c.Index));
        Assert.True(checkpoints[^1].Final);
        Assert.Equal((AuditActions.ChainClose, chain[^1].Sequence, chain[^1].Hash), (chain[^1].Entry.Action, checkpoints[^1].Sequence, checkpoints[^1].HeadHash));
        Assert.Equal(checkpoints[^2].Mac, checkpoints[^1].PreviousMac);
        Assert.NotNull((await Store.ListChainsAsync()).Single(c => c.ChainId == chainId).ClosedAt);
        var verification = await VerifyAsync();
        Assert.True(verification.Passed, string.Join("; ", verification.Problems));
        Assert.Equal((true, 0L, 14L), (verification.Chains[0].Closed, verification.Chains[0].Unprotected, verification.Records));
        var status = Assert.Single(await log.StatusAsync());
        Assert.Equal((chainId, 14L, 0L), (status.Chain.ChainId, status.HeadSequence, status.Unprotected));
        Assert.Equal(checkpoints[^1].Mac, status.LastCheckpoint!.Mac);
        Assert.NotNull(status.Chain.ClosedAt);
    }

    [Fact]
    public async Task Checkpoint_AfterCheckpointSeconds_WithoutMoreRecords()
    {
        var log = NewLog(configure: o => o.CheckpointSeconds = 60);
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        var chainId = log.CurrentChainId!;
        await Task.Delay(200);
        var before = await Store.ListCheckpointsAsync(chainId);

        Time.Advance(TimeSpan.FromSeconds(61));
        var after = await CheckpointsAsync(chainId, atLeast: 1);

        Assert.Empty(before);
        Assert.Equal((2L, false), (after[0].Sequence, after[0].Final));
    }

    [Fact]
    public async Task KeyServiceDown_DeliveriesGoOn_CheckpointFollowsWhenItIsBack()
    {
        var keys = new FaultyKeyService(Keys) { Down = true };
        var log = NewLog(configure: o => o.CheckpointRecords = 2, keys: keys);
        for (var i = 0; i < 5; i++)
        {
            await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", i + 1));
        }

        await Task.Delay(200);
        var whileDown = await Store.ListCheckpointsAsync(log.CurrentChainId!);
        keys.Down = false;
        Time.Advance(TimeSpan.FromSeconds(61));
        var checkpoints = await CheckpointsAsync(log.CurrentChainId!, atLeast: 1);

        Assert.Empty(whileDown);
        Assert.Equal(6L, checkpoints[0].Sequence);
        Assert.True((await VerifyAsync()).Passed);
    }

    [Fact]
    public async Task AbandonedChain_SealedByAnotherProcess_OwnerGoesOnInANewChain()
    {
        // The owner's clock stands still, as a killed process's would: it makes no checkpoint of its own.
        var frozen = new FakeTimeProvider(Time.GetUtcNow());
        var owner = NewLog(Backing.Open(), time: frozen);
        await owner.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        await owner.RecordAsync(Reveal(Person("alice@example.com"), "c1", 2));
        var abandoned = owner.CurrentChainId!;

        Time.Advance(TimeSpan.FromSeconds(new AuditOptions().SealAfterSeconds + 1));
        var other = NewLog(Backing.Open());
        await other.RecordAsync(Reveal(Person("bob@example.com"), "c2", 1));
        await EventuallyAsync(() => Store.ListChainsAsync(), list => list.Single(c => c.ChainId == abandoned).ClosedAt is not null);
        await owner.RecordAsync(Reveal(Person("alice@example.com"), "c1", 3));

        var sealedChain = await ChainAsync(abandoned);
        Assert.Equal(AuditActions.ChainSeal, sealedChain[^1].Entry.Action);
        Assert.Contains(other.CurrentChainId!, sealedChain[^1].Entry.Detail, StringComparison.Ordinal);
        var final = (await Store.ListCheckpointsAsync(abandoned))[^1];
        Assert.Equal((true, sealedChain[^1].Sequence), (final.Final, final.Sequence));
        Assert.NotEqual(abandoned, owner.CurrentChainId);
        Assert.Equal(3, (await Store.ListChainsAsync()).Count);
        var verification = await VerifyAsync();
        Assert.True(verification.Passed, string.Join("; ", verification.Problems));
        Assert.Equal(0L, verification.Chains.Single(c => c.ChainId == abandoned).Unprotected);
    }

    [Fact]
    public async Task Close_ThenRecord_RefusedAsUnavailable()
    {
        var log = NewLog();
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));

        await log.CloseAsync();
        await log.CloseAsync();

        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1)));
        Assert.Single(await Store.ListCheckpointsAsync(log.CurrentChainId!), c => c.Final);
    }

    [Fact]
    public async Task Verify_NothingRecorded_PassesWithNoChains()
    {
        var verification = await VerifyAsync();

        Assert.True(verification.Passed);
        Assert.Empty(verification.Chains);
    }
}
