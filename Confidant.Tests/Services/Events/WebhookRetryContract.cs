using Confidant.Services.Background;
using Confidant.Services.Events;
using Confidant.Services.Events.Retries;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Events;

/// <summary>
/// Webhook retries kept in the store and worked by one server at a time, against a real receiver: a failed first
/// attempt becomes a stored retry, the lease holder makes the next attempts and deletes it once delivered; of two
/// servers on one store only the holder sends retries, each attempt once; a holder that stops hands them on at once,
/// one that dies once its claim runs out, and no retry is lost. Each server's requests carry its name in a header,
/// so the receiver sees who sent what. Run once per backend.
/// </summary>
public abstract class WebhookRetryContract : IAsyncLifetime
{
    private const string Hook = "hook";
    private const string ServerHeader = "Test-Server";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public virtual async Task DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>A server with <paramref name="settings"/>, on the store every server of the test shares.</summary>
    protected abstract Task<DomainHost> StartServerAsync(Dictionary<string, string?> settings, Action<IServiceCollection> configureServices);

    [Fact]
    public async Task FailedFirstAttempt_StoredRetriedByTheHolderDeliveredOnceAndDeleted()
    {
        await using var server = await StartAsync("a");
        _receiver.FailFirst(Hook, 2, 503);

        await server.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());
        var first = await _receiver.NextAsync(Hook);
        var eventId = first.Header("Confidant-Event-Id")!;
        var stored = await StoredAsync(server, eventId);
        var attempts = new List<ReceivedWebhook> { first, await NextAttemptAsync(server), await NextAttemptAsync(server) };
        await TickAsync(3, server);

        Assert.Equal(2, stored.Attempt);
        Assert.Equal("billing", Assert.Single(stored.Event.Services));
        Assert.Equal([503, 503, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.Equal(eventId, a.Header("Confidant-Event-Id")));
        Assert.All(attempts, a => Assert.True(a.SignedWith(WebhookReceiver.Secret)));
        Assert.False(_receiver.HasPending(Hook));
        Assert.Null(await server.Get<IConfidantStore>().GetAsync(WebhookRetries.IdOf(Hook, eventId)));
        var log = await LogAsync(server, eventId, 3);
        Assert.Equal([1, 2, 3], log.Select(a => a.Attempt));
        Assert.Equal([DeliveryOutcomes.Retrying, DeliveryOutcomes.Retrying, DeliveryOutcomes.Delivered], log.Select(a => a.Outcome));
        Assert.NotNull(log[0].NextRetry);
        Assert.Null(log[2].NextRetry);
    }

    [Fact]
    public async Task TwoServers_RetriesSentByTheHolderOnly_MovedToTheOtherWhenItStops()
    {
        await using var a = await StartAsync("a");
        await using var b = await StartAsync("b");
        var (holder, other) = await HolderAsync(a, b);
        _receiver.FailFirst(Hook, 4, 503);

        // The event happens on the server that does not hold the lease: its first attempt is its own, the retries are not.
        await other.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());
        var attempts = new List<ReceivedWebhook> { await _receiver.NextAsync(Hook) };
        attempts.Add(await NextAttemptAsync(a, b));
        attempts.Add(await NextAttemptAsync(a, b));

        // Stopped between two attempts (an attempt cut off by a stop is made again, under the same number, by the next holder).
        await StoredAsync(other, attempts[0].Header("Confidant-Event-Id")!, attempt: 4);
        await holder.DisposeAsync();
        attempts.Add(await NextAttemptAsync(other));
        attempts.Add(await NextAttemptAsync(other));
        await TickAsync(3, other);

        var (h, o) = (Name(holder, a), Name(other, a));
        Assert.Equal([o, h, h, o, o], attempts.Select(r => r.Header(ServerHeader)));
        Assert.Equal([503, 503, 503, 503, 200], attempts.Select(r => r.Status));
        Assert.Single(attempts.Select(r => r.Header("Confidant-Event-Id")).Distinct());
        Assert.False(_receiver.HasPending(Hook));
        var log = await LogAsync(other, attempts[0].Header("Confidant-Event-Id")!, 5);
        Assert.Equal([1, 2, 3, 4, 5], log.Select(r => r.Attempt));
    }

    [Fact]
    public async Task HolderDiesWithARetryPending_TheOtherDeliversItOnceTheClaimRunsOut()
    {
        await using var a = await StartAsync("a");
        await using var b = await StartAsync("b");
        var (holder, other) = await HolderAsync(a, b);
        _receiver.FailFirst(Hook, 2, 503);
        await holder.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());
        var first = await _receiver.NextAsync(Hook);
        var eventId = first.Header("Confidant-Event-Id")!;
        await StoredAsync(other, eventId);

        holder.Die();
        await TickAsync((int)(Lease.TotalSeconds / 2), other);
        var sentWhileClaimed = _receiver.HasPending(Hook);
        var second = await NextAttemptAsync(other);
        var third = await NextAttemptAsync(other);
        await TickAsync(3, other);

        Assert.False(sentWhileClaimed);
        Assert.Equal(Name(holder, a), first.Header(ServerHeader));
        Assert.Equal([Name(other, a), Name(other, a)], new[] { second, third }.Select(r => r.Header(ServerHeader)));
        Assert.Equal([503, 200], new[] { second.Status, third.Status });
        Assert.False(_receiver.HasPending(Hook));
        Assert.Equal(other.Get<WebhookRetryWorker>().Holder, await other.Get<StoreLease>().HolderAsync(WebhookRetryWorker.LeaseName));
        Assert.Null(await other.Get<IConfidantStore>().GetAsync(WebhookRetries.IdOf(Hook, eventId)));
        var log = await LogAsync(other, eventId, 3);
        Assert.Equal([1, 2, 3], log.Select(r => r.Attempt));
        Assert.Equal(DeliveryOutcomes.Delivered, log[2].Outcome);
    }

    private Task<DomainHost> StartAsync(string name) => StartServerAsync(
        new Dictionary<string, string?>
        {
            [$"Events:Webhooks:{Hook}:Url"] = _receiver.Url(Hook),
            [$"Events:Webhooks:{Hook}:Secret"] = WebhookReceiver.Secret,
            [$"Events:Webhooks:{Hook}:RetryDelaySeconds"] = "1",
            [$"Events:Webhooks:{Hook}:MaxRetryDelaySeconds"] = "2",
            ["Events:RetryPollSeconds"] = "1",
            ["Events:RetryLeaseSeconds"] = Lease.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        services => services.AddHttpClient(WebhookDispatcher.HttpClientName).ConfigureHttpClient(c => c.DefaultRequestHeaders.Add(ServerHeader, name)));

    private static string Name(DomainHost host, DomainHost a) => host == a ? "a" : "b";

    /// <summary>Which of two servers took the lease (they try at start); the clocks move together until one has.</summary>
    private static async Task<(DomainHost Holder, DomainHost Other)> HolderAsync(DomainHost a, DomainHost b)
    {
        for (var i = 0; i < 100; i++)
        {
            var holder = await a.Get<StoreLease>().HolderAsync(WebhookRetryWorker.LeaseName);
            if (holder == a.Get<WebhookRetryWorker>().Holder)
            {
                return (a, b);
            }

            if (holder == b.Get<WebhookRetryWorker>().Holder)
            {
                return (b, a);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("neither server took the lease");
    }

    /// <summary>Moves the running servers' clocks on a second at a time until the receiver gets the next attempt.</summary>
    private async Task<ReceivedWebhook> NextAttemptAsync(params DomainHost[] running)
    {
        for (var i = 0; i < 60; i++)
        {
            Advance(running);
            try
            {
                return await _receiver.NextAsync(Hook, TimeSpan.FromMilliseconds(200));
            }
            catch (OperationCanceledException)
            {
            }
        }

        throw new TimeoutException("no further attempt arrived");
    }

    private static async Task TickAsync(int seconds, params DomainHost[] running)
    {
        for (var i = 0; i < seconds; i++)
        {
            Advance(running);
            await Task.Delay(100);
        }
    }

    private static void Advance(DomainHost[] running)
    {
        foreach (var host in running)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The stored retry of the event, once it waits for attempt <paramref name="attempt"/> (any when null).</summary>
    private static async Task<PendingRetry> StoredAsync(DomainHost host, string eventId, int? attempt = null)
    {
        var retries = host.Get<WebhookRetries>();
        for (var i = 0; i < 100; i++)
        {
            var due = await retries.DueAsync(DateTimeOffset.MaxValue, CancellationToken.None);
            if (due.FirstOrDefault(r => r.Event.Id == eventId && (attempt is null || r.Attempt == attempt)) is { } stored)
            {
                return stored;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the retry was not stored");
    }

    /// <summary>The delivery log of the event, oldest first, once it holds <paramref name="count"/> attempts (written in the background).</summary>
    private static async Task<IReadOnlyList<DeliveryAttempt>> LogAsync(DomainHost host, string eventId, int count)
    {
        IReadOnlyList<DeliveryAttempt> attempts = [];
        for (var i = 0; i < 400 && attempts.Count < count; i++)
        {
            await Task.Delay(50);
            attempts = [.. (await host.Get<IDeliveryLogStore>().QueryAsync(new DeliveryQuery(EventId: eventId))).Attempts.OrderBy(a => a.Attempt)];
        }

        return attempts;
    }
}

/// <summary>Servers on one SQLite file and one local key ring, in a directory of the test's own (any server may stop first).</summary>
public sealed class SqliteWebhookRetryTests : WebhookRetryContract
{
    private readonly DirectoryInfo _shared = Directory.CreateTempSubdirectory("confidant-retries-");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _shared.Delete(recursive: true);
    }

    protected override Task<DomainHost> StartServerAsync(Dictionary<string, string?> settings, Action<IServiceCollection> configureServices)
    {
        settings["Storage:Sqlite:Path"] = Path.Combine(_shared.FullName, "confidant.db");
        settings["Kms:LocalKeyRingPath"] = Path.Combine(_shared.FullName, "confidant.keyring.json");
        return DomainHost.StartAsync(settings, configureServices: configureServices);
    }
}

/// <summary>Servers on one dynalite table and one local key ring.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbWebhookRetryTests(DynaliteFixture dynalite) : WebhookRetryContract
{
    private readonly DirectoryInfo _shared = Directory.CreateTempSubdirectory("confidant-retries-");
    private Dictionary<string, string?>? _storage;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _shared.Delete(recursive: true);
    }

    protected override async Task<DomainHost> StartServerAsync(Dictionary<string, string?> settings, Action<IServiceCollection> configureServices)
    {
        _storage ??= await dynalite.StorageSettingsAsync();
        foreach (var (key, value) in _storage)
        {
            settings[key] = value;
        }

        settings["Kms:LocalKeyRingPath"] = Path.Combine(_shared.FullName, "confidant.keyring.json");
        return await DomainHost.StartAsync(settings, configureServices: services =>
        {
            services.AddSingleton(dynalite.Client);
            configureServices(services);
        });
    }
}
