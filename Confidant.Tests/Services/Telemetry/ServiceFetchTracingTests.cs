using System.Collections.Concurrent;
using System.Diagnostics;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Telemetry;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Telemetry;

/// <summary>A service fetch is traced as the original timed it (spec §9.10): one span with a child per step.</summary>
public sealed class ServiceFetchTracingTests : IDisposable
{
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public ServiceFetchTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConfidantTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task ServiceFetch_RecordsItsStepsUnderOneSpan()
    {
        await using var host = await DomainHost.StartAsync();
        var services = host.Get<ServiceMappingService>();
        await services.PutAsync(DomainHost.Alice, "traced", new ServiceMappingInput());

        var steps = await TraceAsync(() => services.GetAsync(DomainHost.Alice, "traced"));

        Assert.Equal(["acl_check_get_service", "db_get_credentials", "db_get_service"], steps.Children);
    }

    [Fact]
    public async Task ServiceRead_FromMemory_IsTimedWithoutTheStoreSteps()
    {
        await using var host = await DomainHost.StartAsync();
        var services = host.Get<ServiceMappingService>();
        await services.PutAsync(DomainHost.Alice, "polled", new ServiceMappingInput());
        Task<ReadOnlyMemory<byte>> Read() => services.ReadAsync(DomainHost.Alice, "polled", false, _ => new byte[] { 1 });

        var fresh = await TraceAsync(Read);
        var cached = await TraceAsync(Read);

        Assert.Equal(["acl_check_get_service", "build_response", "db_get_credentials", "db_get_service"], fresh.Children);
        Assert.Equal(false, fresh.Fetch.GetTagItem("confidant.cache_hit"));
        Assert.Equal(["acl_check_get_service"], cached.Children);
        Assert.Equal(true, cached.Fetch.GetTagItem("confidant.cache_hit"));
    }

    /// <summary>The <c>get_service_by_id</c> span of one call, and the names of its child spans in order.</summary>
    private async Task<(Activity Fetch, IReadOnlyList<string> Children)> TraceAsync<T>(Func<Task<T>> call)
    {
        using var parent = new Activity("test").Start();
        await call();
        parent.Stop();

        // Other tests run alongside; only this trace counts.
        var mine = _stopped.Where(a => a.TraceId == parent.TraceId).ToList();
        var fetch = Assert.Single(mine, a => a.OperationName == "get_service_by_id");
        Assert.Equal(parent.SpanId, fetch.ParentSpanId);
        return (fetch, mine.Where(a => a.ParentSpanId == fetch.SpanId).Select(a => a.OperationName).Order(StringComparer.Ordinal).ToList());
    }
}
