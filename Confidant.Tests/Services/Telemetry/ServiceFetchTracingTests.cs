using System.Collections.Concurrent;
using System.Diagnostics;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Telemetry;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Telemetry;

/// <summary>A service fetch is traced as the original timed it (spec §9.10): one span with a child per step.</summary>
public sealed class ServiceFetchTracingTests
{
    [Fact]
    public async Task ServiceFetch_RecordsItsStepsUnderOneSpan()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConfidantTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await DomainHost.StartAsync();
        var services = host.Get<ServiceMappingService>();
        await services.PutAsync(DomainHost.Alice, "traced", new ServiceMappingInput());

        using var parent = new Activity("test").Start();
        await services.GetAsync(DomainHost.Alice, "traced");
        parent.Stop();

        // Other tests run alongside; only this trace counts.
        var mine = stopped.Where(a => a.TraceId == parent.TraceId).ToList();
        var fetch = Assert.Single(mine, a => a.OperationName == "get_service_by_id");
        Assert.Equal(parent.SpanId, fetch.ParentSpanId);
        Assert.Equal(
            ["acl_check_get_service", "db_get_credentials", "db_get_service"],
            mine.Where(a => a.ParentSpanId == fetch.SpanId).Select(a => a.OperationName).Order(StringComparer.Ordinal));
    }
}
