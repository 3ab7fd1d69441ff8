using System.Collections;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confidant.Services.Configuration;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Events;

/// <summary>
/// How events reach a real receiver: the original's unsigned format from its WEBHOOK_* names, retries with backoff
/// on failures only, and a dead endpoint that holds up neither writes nor other endpoints.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task OriginalWebhookUrl_SendsTheOriginalPayloadAndHeaders_Unsigned()
    {
        var legacy = new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(new Hashtable
        {
            ["WEBHOOK_URL"] = _receiver.Url("original"),
            ["WEBHOOK_USERNAME"] = "hook",
        })).Build();
        var settings = legacy.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
        await using var host = await DomainHost.StartAsync(settings);

        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());

        var received = await _receiver.NextAsync("original");
        Assert.Equal("""{"event_type": "service_update", "services": ["billing"], "credentials": []}""", received.Text);
        Assert.Equal("application/json", received.Header("Content-Type"));
        Assert.Equal("text/plain", received.Header("Accept"));

        // spec §13.30: an unset half of the Basic pair is Python's None.
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hook:None")), received.Header("Authorization"));
        Assert.Null(received.Header("Confidant-Signature"));
    }

    [Fact]
    public async Task FailedAttempts_AreRetriedWithTheSameEvent_RefusalsAreNot()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Events:Webhooks:flaky:Url"] = _receiver.Url("flaky"),
            ["Events:Webhooks:flaky:Secret"] = WebhookReceiver.Secret,
            ["Events:Webhooks:flaky:RetryDelaySeconds"] = "1",
            ["Events:Webhooks:flaky:MaxRetryDelaySeconds"] = "8",
        });
        _receiver.FailFirst("flaky", 2, 503);
        var services = host.Get<ServiceMappingService>();

        await services.PutAsync(DomainHost.Alice, "first", new ServiceMappingInput());
        var attempts = new List<ReceivedWebhook> { await _receiver.NextAsync("flaky") };
        while (attempts.Count < 3)
        {
            // The backoff waits on the injected clock: move it on until the next attempt arrives.
            host.Time.Advance(TimeSpan.FromSeconds(8));
            try
            {
                attempts.Add(await _receiver.NextAsync("flaky", TimeSpan.FromMilliseconds(100)));
            }
            catch (OperationCanceledException)
            {
            }
        }

        Assert.Equal([503, 503, 200], attempts.Select(a => a.Status));
        Assert.Single(attempts.Select(a => a.Header("Confidant-Event-Id")).Distinct());
        Assert.All(attempts, a => Assert.Contains("\"first\"", a.Text, StringComparison.Ordinal));

        // A 400 is the receiver's final word: the next event follows without a retry of the refused one.
        _receiver.FailFirst("flaky", 1, 400);
        await services.PutAsync(DomainHost.Alice, "refused", new ServiceMappingInput());
        await services.PutAsync(DomainHost.Alice, "second", new ServiceMappingInput());
        Assert.Equal(400, (await _receiver.NextAsync("flaky")).Status);
        var next = await _receiver.NextAsync("flaky");
        Assert.Equal(200, next.Status);
        Assert.Contains("\"second\"", next.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadEndpoint_DelaysNeitherWritesNorOtherEndpoints()
    {
        _receiver.Hang("dead");
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Events:Webhooks:dead:Url"] = _receiver.Url("dead"),
            ["Events:Webhooks:dead:Secret"] = WebhookReceiver.Secret,
            ["Events:Webhooks:dead:QueueCapacity"] = "2",
            ["Events:Webhooks:live:Url"] = _receiver.Url("live"),
            ["Events:Webhooks:live:Secret"] = WebhookReceiver.Secret,
        });
        var services = host.Get<ServiceMappingService>();
        await services.PutAsync(DomainHost.Alice, "warm-up", new ServiceMappingInput());
        await _receiver.NextAsync("live");
        await _receiver.NextAsync("dead");

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await services.PutAsync(DomainHost.Alice, $"svc-{i}", new ServiceMappingInput());
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
        }

        for (var i = 0; i < 10; i++)
        {
            var received = await _receiver.NextAsync("live");
            Assert.Equal($"svc-{i}", JsonDocument.Parse(received.Body).RootElement.GetProperty("services")[0].GetString());
        }

        // The dead endpoint is still stuck on its first request.
        Assert.False(_receiver.HasPending("dead"));

        // Blocked on the dead endpoint, a write would never end (its deadline is on the injected clock); the bound only
        // leaves room for a busy machine.
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"a write took {slowest}");
    }

    [Fact]
    public async Task UnusableEndpointSettings_RefuseToStart_NamingTheKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Events:Webhooks:ops:Url"] = "ftp://example.com/hook",
            ["Events:Webhooks:ops:Secret"] = "short",
            ["Events:Webhooks:ops:Events:0"] = "credential_created",
            ["Events:RetryPollSeconds"] = "20",
        }));

        Assert.Contains("Events:Webhooks:ops:Url must be an absolute http or https URL.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Events:Webhooks:ops:Secret must be at least 32 characters", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Events:Webhooks:ops:Events names an unknown event type 'credential_created'", StringComparison.Ordinal));
        Assert.Contains("Events:RetryPollSeconds must be at least 1 and at most a third of Events:RetryLeaseSeconds (was 20).", error.Failures);
    }
}
