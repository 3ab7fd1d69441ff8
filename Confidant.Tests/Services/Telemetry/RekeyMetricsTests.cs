using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Services.Telemetry;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Services.Telemetry;

/// <summary>The re-encryption job's progress is exported: one <c>confidant.rekey.items</c> count per item done, by result.</summary>
[Collection(MetricsCollection.CollectionName)]
public sealed class RekeyMetricsTests : IDisposable
{
    private readonly ConcurrentQueue<(long Value, string? Mode, string? Result)> _measured = [];
    private readonly MeterListener _listener = new();

    public RekeyMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConfidantMetrics.MeterName && instrument.Name == "confidant.rekey.items")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? mode = null, result = null;
            foreach (var tag in tags)
            {
                mode = tag.Key == "mode" ? tag.Value as string : mode;
                result = tag.Key == "result" ? tag.Value as string : result;
            }

            _measured.Enqueue((value, mode, result));
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Rewrap_EveryItemCountedOnceAsRewritten_ThenAsSkippedOnARerunAsync()
    {
        await using var host = await DomainHost.StartAsync();
        var seed = await RekeySeed.WriteAsync(host.Services, credentials: 3, revisions: 2);
        host.Get<ILocalKeyRing>().Rotate(new KmsOptions().MasterKeyId);

        await host.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest());
        var first = (await host.Get<RekeyRunner>().RunAsync(DomainHost.Alice, "worker-1", null, CancellationToken.None)).Job!;
        await host.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest());
        var second = (await host.Get<RekeyRunner>().RunAsync(DomainHost.Alice, "worker-1", null, CancellationToken.None)).Job!;

        Assert.True(first.Succeeded && second.Succeeded, first.Error ?? second.Error);
        var measured = _measured.ToList();
        Assert.All(measured, m => Assert.Equal((1L, "rewrap"), (m.Value, m.Mode)));
        Assert.Equal(seed.Items, measured.Count(m => m.Result == "rewritten"));
        Assert.Equal(seed.Items, measured.Count(m => m.Result == "skipped"));
        Assert.Equal(first.Rewritten + second.Skipped, measured.Count);
    }
}
