using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Audit;

/// <summary>The audit trail's behaviour, written once and run against every backend.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Disposed in DisposeAsync (IAsyncLifetime).")]
public abstract class AuditStoreContract : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(1234560));
    private AuditLog _log = null!;

    protected IAuditStore Store { get; private set; } = null!;

    protected abstract Task<IAuditStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
        _log = new AuditLog(Store, _time);
    }

    public async Task DisposeAsync() => await _log.DisposeAsync();

    private static ConfidantPrincipal Alice => new("alice@example.com", "user", "alice@example.com", Subject: "sub-123", Address: "10.1.2.3");

    [Fact]
    public async Task Record_ThenQuery_RoundTripsEveryField()
    {
        await _log.RecordAsync(Alice, AuditActions.Reveal, "credential", "abc", 3);

        var page = await Store.QueryAsync(new AuditQuery());

        var recorded = Assert.Single(page.Events);
        Assert.Equal(_time.GetUtcNow(), recorded.Time);
        Assert.Equal(AuditActions.Reveal, recorded.Action);
        Assert.Equal(("credential", "abc", 3), (recorded.ResourceType, recorded.ResourceId, recorded.Revision));
        Assert.Equal(("alice@example.com", "user", "sub-123", "10.1.2.3"), (recorded.Actor, recorded.ActorType, recorded.Subject, recorded.Address));
        Assert.Null(recorded.Via);
        Assert.Null(page.NextPage);
    }

    [Fact]
    public async Task Query_NewestFirst_FilteredAndPagedWithoutLossOrRepeat()
    {
        for (var i = 0; i < 25; i++)
        {
            await _log.RecordAsync(i % 2 == 0 ? Alice : ConfidantPrincipal.ForService("billing"), AuditActions.ServiceRead, "credential", $"c{i % 3}", i, via: "billing");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var all = new List<AuditEvent>();
        string? page = null;
        do
        {
            var result = await Store.QueryAsync(new AuditQuery(Limit: 4, Page: page));
            all.AddRange(result.Events);
            page = result.NextPage;
        }
        while (page is not null);
        var forC1 = await Store.QueryAsync(new AuditQuery(ResourceId: "c1", Limit: 100));
        var byBilling = await Store.QueryAsync(new AuditQuery(Actor: "billing", Limit: 100));

        Assert.Equal(Enumerable.Range(0, 25).Reverse(), all.Select(e => e.Revision!.Value));
        Assert.Equal(25, all.Select(e => e.Id).Distinct().Count());
        Assert.All(forC1.Events, e => Assert.Equal("c1", e.ResourceId));
        Assert.Equal(8, forC1.Events.Count);
        Assert.Equal(12, byBilling.Events.Count);
        Assert.All(byBilling.Events, e => Assert.Equal("billing", e.Via));
    }

    [Fact]
    public async Task RecordMany_ConcurrentCallers_AllStored()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            _log.RecordManyAsync(Alice, AuditActions.ServiceRead, "credential", [($"a{i}", 1), ($"b{i}", 2)], via: "svc")));

        var page = await Store.QueryAsync(new AuditQuery(Limit: 1000));

        Assert.Equal(80, page.Events.Count);
        Assert.Equal(80, page.Events.Select(e => e.ResourceId).Distinct().Count());
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("MjAyNg")]
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTktMDEyMzQ1Njc4OWFiY2RlZg")] // "99999999999999999999-…": no such time
    [InlineData("MjAyNjEzNDAyNTAwMDAwMDAwMDAtMDEyMzQ1Njc4OWFiY2RlZg")] // month 13
    public async Task Query_MalformedPage_FailedToParsePage(string page)
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Store.QueryAsync(new AuditQuery(Page: page)));

        Assert.Equal("Failed to parse page", error.Message);
    }
}
