using System.Collections.Concurrent;
using System.Diagnostics;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Rekey;

/// <summary><c>Rekey:KmsCallsPerSecond</c>: the job's key-service calls, timed on an injected clock, never outrun the rate.</summary>
public sealed class RekeyPacingTests
{
    private const int Rate = 20;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Run_KmsCallsPerSecond_NoSecondHoldsMoreCallsThanTheRateAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var host = await DomainHost.StartAsync(
            new Dictionary<string, string?> { ["Rekey:KmsCallsPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Rekey:BatchSize"] = "4" },
            countKeyServiceCalls: true,
            configureServices: services => services.AddKeyedSingleton<TimeProvider>(RekeyClock.Key, clock));
        var seed = await RekeySeed.WriteAsync(host.Services, credentials: 6, revisions: 2);
        host.Get<ILocalKeyRing>().Rotate(new KmsOptions().MasterKeyId);
        await host.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest());
        var calls = new ConcurrentQueue<(string Operation, DateTimeOffset At)>();
        ((CountingKeyService)host.Get<IKeyService>()).OnCall = operation => calls.Enqueue((operation, clock.GetUtcNow()));

        var run = host.Get<RekeyRunner>().RunAsync(DomainHost.Alice, "worker-1", null, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        while (!run.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            clock.Advance(Step);
            await Task.Delay(1);
        }

        var job = (await run).Job!;
        Assert.True(job.Succeeded, job.Error);

        // Each item: ReEncrypt, then a Decrypt that checks the result. The claim's DescribeKey is not paced.
        var paced = calls.Where(c => c.Operation is "ReEncrypt" or "Decrypt").Select(c => c.At).ToList();
        Assert.Equal(seed.Items * 2, paced.Count);
        Assert.Equal(paced.Count + 0L, job.KmsCalls);
        // A call's time is read when it reaches the key service, which may be one step of the clock after the pacer
        // let it go: two calls a second apart for the pacer may show one step less.
        for (var i = 0; i + Rate < paced.Count; i++)
        {
            Assert.True(paced[i + Rate] - paced[i] >= TimeSpan.FromSeconds(1) - Step, $"calls {i} to {i + Rate} fell within {paced[i + Rate] - paced[i]}");
        }

        Assert.True(paced[^1] - paced[0] >= TimeSpan.FromSeconds((paced.Count - 1.0) / Rate));
    }
}
