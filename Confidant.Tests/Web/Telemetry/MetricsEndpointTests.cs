using System.Globalization;
using System.Net;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Telemetry;

/// <summary>The Prometheus scrape endpoint: off by default, served to this machine only, and its counters move with a service fetch.</summary>
[Collection(MetricsCollection.CollectionName)]
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create(new Dictionary<string, string?> { ["Metrics:Prometheus:Enabled"] = "true" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ServiceFetch_MovesTheCounters()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        using var workload = await _host.ServiceClientAsync("billing");
        var before = await ScrapeAsync();

        for (var i = 0; i < 2; i++)
        {
            var response = await workload.GetAsync(new Uri("/v1/services/billing", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var after = await ScrapeAsync();
        double Moved(string series) => Value(after, series) - Value(before, series);

        // The second answer comes from the service response cache (docs/decisions/0006), and is timed all the same.
        Assert.Equal(2, Moved("confidant_get_service_by_id_duration_seconds_count{outcome=\"ok\"}"));
        Assert.Equal(2, Moved("confidant_decrypt_token_total{result=\"valid\",token_version=\"2\"}"));

        // One token: validated by KMS once, then served from the cache.
        Assert.Equal(1, Moved("confidant_decrypt_token_cache_total{result=\"miss\"}"));
        Assert.Equal(1, Moved("confidant_decrypt_token_cache_total{result=\"hit\"}"));
        Assert.True(Moved("confidant_at_rest_action_total{operation=\"Decrypt\",outcome=\"ok\"}") >= 1);
        Assert.True(Moved("confidant_data_key_cache_total{result=\"hit\"}") + Moved("confidant_data_key_cache_total{result=\"miss\"}") >= 1);
        Assert.True(Moved("confidant_audit_append_duration_seconds_count{outcome=\"ok\"}") >= 1);
        Assert.Equal(2, after.Where(IsServiceRoute).Sum(p => p.Value) - before.Where(IsServiceRoute).Sum(p => p.Value));
    }

    private static bool IsServiceRoute(KeyValuePair<string, double> series) =>
        series.Key.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
        && series.Key.Contains("http_route=\"/v1/services/{id}\"", StringComparison.Ordinal);

    [Fact]
    public async Task ProxiedRequest_IsRefused()
    {
        using var client = _host.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("confidant_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ByDefault_ThereIsNoScrapeEndpoint()
    {
        await using var host = ApiTestHost.Create();
        using var client = host.AnonymousClient();

        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.NotEqual("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static double Value(IReadOnlyDictionary<string, double> scrape, string series) =>
        scrape.TryGetValue(series, out var value) ? value : 0;

    /// <summary>Series name with labels (otel_scope_* labels dropped) → value, from the text exposition format.</summary>
    private async Task<IReadOnlyDictionary<string, double>> ScrapeAsync()
    {
        using var client = _host.AnonymousClient();
        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // name{labels} value [timestamp]; label values may hold braces (route templates), values never do.
            var close = line.LastIndexOf('}');
            var end = close >= 0 ? close + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            var name = Normalize(line[..end]);
            var valueText = line[end..].TrimStart().Split(' ')[0];
            series[name] = series.GetValueOrDefault(name) + double.Parse(valueText, CultureInfo.InvariantCulture);
        }

        return series;
    }

    private static string Normalize(string series)
    {
        var open = series.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return series;
        }

        var labels = series[(open + 1)..^1].Split(',').Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal));
        return $"{series[..open]}{{{string.Join(',', labels)}}}";
    }
}
