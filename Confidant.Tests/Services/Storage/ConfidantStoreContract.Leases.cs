using Confidant.Services.Background;
using Microsoft.Extensions.Time.Testing;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

/// <summary>Leases on background work, held in job items: one holder at a time, taken over once a claim runs out.</summary>
public abstract partial class ConfidantStoreContract
{
    private static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TryHoldAsync_TwoServersAtOnce_ExactlyOneHoldsAsync()
    {
        var time = new FakeTimeProvider(At(1));
        var lease = new StoreLease(Store, time);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => lease.TryHoldAsync("retries", $"server-{i}", LeaseLength)));

        Assert.Single(attempts, held => held);
        var holder = await lease.HolderAsync("retries");
        Assert.Equal($"server-{Array.IndexOf(attempts, true)}", holder);
    }

    [Fact]
    public async Task TryHoldAsync_HeldByAnother_RefusedUntilTheClaimRunsOutThenTakenOverAsync()
    {
        var time = new FakeTimeProvider(At(1));
        var lease = new StoreLease(Store, time);
        Assert.True(await lease.TryHoldAsync("retries", "a", LeaseLength));

        time.Advance(LeaseLength - TimeSpan.FromSeconds(1));
        var beforeRunOut = await lease.TryHoldAsync("retries", "b", LeaseLength);
        var renewed = await lease.TryHoldAsync("retries", "a", LeaseLength);
        time.Advance(LeaseLength - TimeSpan.FromSeconds(1));
        var afterRenewal = await lease.TryHoldAsync("retries", "b", LeaseLength);
        time.Advance(TimeSpan.FromSeconds(2));
        var afterRunOut = await lease.TryHoldAsync("retries", "b", LeaseLength);

        Assert.False(beforeRunOut);
        Assert.True(renewed);
        Assert.False(afterRenewal);
        Assert.True(afterRunOut);
        Assert.Equal("b", await lease.HolderAsync("retries"));
        Assert.False(await lease.TryHoldAsync("retries", "a", LeaseLength));
    }

    [Fact]
    public async Task ReleaseAsync_ByTheHolderOnly_FreesTheWorkAtOnceAsync()
    {
        var time = new FakeTimeProvider(At(1));
        var lease = new StoreLease(Store, time);
        Assert.True(await lease.TryHoldAsync("retries", "a", LeaseLength));
        Assert.True(await lease.TryHoldAsync("other-work", "c", LeaseLength));

        await lease.ReleaseAsync("retries", "b");
        var afterOthersRelease = await lease.HolderAsync("retries");
        await lease.ReleaseAsync("retries", "a");

        Assert.Equal("a", afterOthersRelease);
        Assert.Null(await lease.HolderAsync("retries"));
        Assert.True(await lease.TryHoldAsync("retries", "b", LeaseLength));
        Assert.Equal("c", await lease.HolderAsync("other-work"));
    }
}
