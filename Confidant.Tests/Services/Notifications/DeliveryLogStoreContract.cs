using Confidant.Services.Errors;
using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Tests.Services.Notifications;

/// <summary>
/// The delivery log's store, written once and run against every backend: attempts round-trip, come back newest first
/// and page without loss or repeat (also among attempts made at the same instant), filter, and age out.
/// </summary>
public abstract class DeliveryLogStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected IDeliveryLogStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IDeliveryLogStore> CreateStoreAsync();

    [Fact]
    public async Task Append_ThenQuery_RoundTripsEveryField()
    {
        var retrying = Attempt("e1", 1, Start.AddTicks(1234567), DeliveryOutcomes.Retrying, "503", null, Start.AddSeconds(2).AddTicks(7));
        var refused = Attempt("e2", 1, Start.AddSeconds(1), DeliveryOutcomes.Refused, null, "tls", null) with
        {
            Channel = DeliveryChannels.Email,
            Endpoint = DeliveryChannels.SmtpEndpoint,
            EventType = "incident_opened",
        };

        await Store.AppendAsync([retrying, refused]);

        var page = await Store.QueryAsync(new DeliveryQuery());
        Assert.Equal([refused, retrying], page.Attempts);
        Assert.Null(page.NextPage);
    }

    [Fact]
    public async Task Append_SameAttemptAgain_StoredOnce()
    {
        var attempt = Attempt("e1", 1, Start, DeliveryOutcomes.Delivered, "200", null, null);

        await Store.AppendAsync([attempt]);
        await Store.AppendAsync([attempt]);

        Assert.Equal([attempt], (await Store.QueryAsync(new DeliveryQuery())).Attempts);
    }

    [Fact]
    public async Task Query_Pages_NewestFirstWithoutLossOrRepeat_AlsoAtTheSameInstant()
    {
        // Three attempts share each instant, as under a stopped clock: ids order them.
        var attempts = Enumerable.Range(0, 25)
            .Select(i => Attempt($"e{i}", 1, Start.AddSeconds(i / 3), DeliveryOutcomes.Delivered, "200", null, null))
            .ToList();
        await Store.AppendAsync(attempts);

        var seen = new List<DeliveryAttempt>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryAsync(new DeliveryQuery(Limit: 4, Page: next));
            Assert.InRange(page.Attempts.Count, 1, 4);
            seen.AddRange(page.Attempts);
            next = page.NextPage;
            pages++;
        }
        while (next is not null);

        var expected = attempts.OrderByDescending(a => a.Time).ThenByDescending(a => a.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, seen);
        Assert.Equal(7, pages);
    }

    [Fact]
    public async Task Query_Filters_ByChannelEndpointEventAndOutcome()
    {
        var hookDelivered = Attempt("e1", 2, Start, DeliveryOutcomes.Delivered, "200", null, null);
        var hookRetrying = Attempt("e1", 1, Start.AddSeconds(-5), DeliveryOutcomes.Retrying, "500", null, Start);
        var otherEndpoint = Attempt("e2", 1, Start.AddSeconds(1), DeliveryOutcomes.Failed, null, "timeout", null) with { Endpoint = "audit-sink" };
        var mail = Attempt("e3", 1, Start.AddSeconds(2), DeliveryOutcomes.Delivered, "250", null, null) with
        {
            Channel = DeliveryChannels.Email,
            Endpoint = DeliveryChannels.SmtpEndpoint,
        };
        await Store.AppendAsync([hookDelivered, hookRetrying, otherEndpoint, mail]);

        async Task<DeliveryAttempt[]> FindAsync(DeliveryQuery query) => [.. (await Store.QueryAsync(query)).Attempts];

        Assert.Equal([mail], await FindAsync(new DeliveryQuery(Channel: DeliveryChannels.Email)));
        Assert.Equal([otherEndpoint], await FindAsync(new DeliveryQuery(Endpoint: "audit-sink")));
        Assert.Equal([hookDelivered, hookRetrying], await FindAsync(new DeliveryQuery(EventId: "e1".PadRight(32, '0'))));
        Assert.Equal([hookRetrying], await FindAsync(new DeliveryQuery(Channel: DeliveryChannels.Webhook, Outcome: DeliveryOutcomes.Retrying)));
        Assert.Empty(await FindAsync(new DeliveryQuery(Endpoint: "audit-sink", Outcome: DeliveryOutcomes.Delivered)));
    }

    [Fact]
    public async Task Query_FilteredPages_ContinueAfterTheLastMatch()
    {
        var attempts = Enumerable.Range(0, 12)
            .Select(i => Attempt($"e{i}", 1, Start.AddSeconds(i), i % 3 == 0 ? DeliveryOutcomes.Failed : DeliveryOutcomes.Delivered, null, null, null))
            .ToList();
        await Store.AppendAsync(attempts);

        var first = await Store.QueryAsync(new DeliveryQuery(Outcome: DeliveryOutcomes.Failed, Limit: 3));
        var second = await Store.QueryAsync(new DeliveryQuery(Outcome: DeliveryOutcomes.Failed, Limit: 3, Page: first.NextPage));

        Assert.Equal([attempts[9], attempts[6], attempts[3]], first.Attempts);
        Assert.Equal([attempts[0]], second.Attempts);
        Assert.Null(second.NextPage);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("MTIzOnh5eg")]
    public async Task Query_MalformedPage_BadRequest(string page)
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Store.QueryAsync(new DeliveryQuery(Page: page)));

        Assert.Equal((ConfidantErrorKind.BadRequest, ErrorMessages.FailedToParsePage), (error.Kind, error.Message));
    }

    [Fact]
    public async Task DeleteBefore_RemovesOnlyOlderAttempts()
    {
        var old = Attempt("e1", 1, Start.AddDays(-31), DeliveryOutcomes.Delivered, "200", null, null);
        var boundary = Attempt("e2", 1, Start.AddDays(-30), DeliveryOutcomes.Delivered, "200", null, null);
        var recent = Attempt("e3", 1, Start, DeliveryOutcomes.Delivered, "200", null, null);
        await Store.AppendAsync([old, boundary, recent]);

        var deleted = await Store.DeleteBeforeAsync(Start.AddDays(-30));

        Assert.Equal(1, deleted);
        Assert.Equal([recent, boundary], (await Store.QueryAsync(new DeliveryQuery())).Attempts);
        Assert.Equal(0, await Store.DeleteBeforeAsync(Start.AddDays(-30)));
    }

    private static DeliveryAttempt Attempt(
        string eventId, int attempt, DateTimeOffset time, string outcome, string? status, string? error, DateTimeOffset? next) =>
        new(DeliveryAttemptIds.New(), eventId.PadRight(32, '0'), "service_update", DeliveryChannels.Webhook, "ops", attempt, time, outcome, status, error, next);
}
