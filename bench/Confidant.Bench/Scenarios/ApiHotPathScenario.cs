using System.Net;
using System.Text;
using System.Text.Json;
using Confidant.Bench.Harness;
using Confidant.Bench.Load;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Confidant.Bench.Scenarios;

/// <summary>What the hot-path scenario measured, with the two figures that have targets.</summary>
internal sealed record ApiHotPathResult(
    IReadOnlyList<ResultRow> Rows,
    double ThroughputRatio,
    double KmsCallsPerRequest,
    long FirstRequestKmsCalls,
    int Failures);

/// <summary>
/// The route every workload calls (spec §4.5 <c>GET /v1/services/{id}</c>): the real app on Kestrel at 127.0.0.1:0
/// (local key ring, SQLite), a service mapped to 10 credentials of 3 pairs, called with a kmsauth token in HTTP
/// Basic as confidant-client sends it; side by side with a bare Kestrel endpoint returning the same bytes. KMS
/// calls are counted at the key-service port.
/// </summary>
internal sealed class ApiHotPathScenario(BenchOptions options)
{
    private const string ServiceId = "bench-service";
    private const int CredentialCount = 10;

    public async Task<ApiHotPathResult> RunAsync(Action<string> progress)
    {
        // Start-up and seeding log at Information; the request path logs nothing at that level. The host's clock is
        // the test host's fixed fake clock, so neither the token nor a cached data key expires during the run.
        await using var app = await StartAppAsync(cacheSeconds: 5);
        await using var uncached = await StartAppAsync(cacheSeconds: 0);
        var host = app.Host;
        var keyService = app.Keys;
        var ids = app.CredentialIds;
        var token = app.Token;
        var basic = app.Basic;
        using var appClient = LoadGenerator.CreateClient(options.Workers, basic);
        using var uncachedClient = LoadGenerator.CreateClient(options.Workers, uncached.Basic);
        var path = new Uri($"/v1/services/{ServiceId}", UriKind.Relative);
        var appTarget = new Uri(app.Address, path);
        var uncachedTarget = new Uri(uncached.Address, path);
        var callsBeforeFirst = keyService.Calls;
        var (body, contentType) = await FetchCheckedAsync(appClient, appTarget);
        var firstRequestCalls = keyService.Calls - callsBeforeFirst;
        await using var bare = await BareKestrelEndpoint.StartAsync(body, contentType);
        using var bareClient = LoadGenerator.CreateClient(options.Workers, basic);
        var bareTarget = new Uri(bare.Address, path);

        progress("parts of the request in process");
        var breakdown = await BreakdownAsync(host, token, ids);

        progress($"warm-up: {options.Warmup.TotalSeconds:0} s per target");
        var warmupFailures = (await LoadGenerator.RunAsync(bareClient, bareTarget, body.Length, options.Workers, options.Warmup)).Failures
            + (await LoadGenerator.RunAsync(appClient, appTarget, body.Length, options.Workers, options.Warmup)).Failures
            + (await LoadGenerator.RunAsync(uncachedClient, uncachedTarget, body.Length, options.Workers, options.Warmup)).Failures;

        var slice = options.Duration / options.Rounds;
        var bareRuns = new List<LoadRun>();
        var appRuns = new List<LoadRun>();
        var uncachedRuns = new List<LoadRun>();
        long appKmsCalls = 0;
        long uncachedKmsCalls = 0;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (var round = 0; round < options.Rounds; round++)
        {
            progress($"round {round + 1}/{options.Rounds}: {slice.TotalSeconds:0.#} s each, {options.Workers} workers");
            bareRuns.Add(await LoadGenerator.RunAsync(bareClient, bareTarget, body.Length, options.Workers, slice));
            var callsBefore = keyService.Calls;
            appRuns.Add(await LoadGenerator.RunAsync(appClient, appTarget, body.Length, options.Workers, slice));
            appKmsCalls += keyService.Calls - callsBefore;
            var uncachedBefore = uncached.Keys.Calls;
            uncachedRuns.Add(await LoadGenerator.RunAsync(uncachedClient, uncachedTarget, body.Length, options.Workers, slice));
            uncachedKmsCalls += uncached.Keys.Calls - uncachedBefore;
        }

        var group = $"GET /v1/services/{{id}}: {CredentialCount} credentials × {SampleCredentials.PairCount} pairs, {body.Length:#,0} B, {options.Workers} workers";
        var bareRow = Row(group, "bare Kestrel, same bytes", bareRuns, null);
        var appRow = Row(group, "Confidant API, kmsauth Basic (response cache 5 s, the default)", appRuns, appKmsCalls);
        var uncachedRow = Row(group, "Confidant API, kmsauth Basic, response cache off", uncachedRuns, uncachedKmsCalls);
        return new ApiHotPathResult(
            [bareRow, appRow, uncachedRow, .. breakdown],
            appRow.OpsPerSecond / bareRow.OpsPerSecond,
            appRow.KmsCallsPerOp ?? 0,
            firstRequestCalls,
            warmupFailures + bareRuns.Sum(r => r.Failures) + appRuns.Sum(r => r.Failures) + uncachedRuns.Sum(r => r.Failures));
    }

    /// <summary>The real app on Kestrel at 127.0.0.1:0, seeded with the service and its credentials.</summary>
    private static async Task<RunningApp> StartAppAsync(int cacheSeconds)
    {
        // Start-up and seeding log at Information; the request path logs nothing at that level. The host's clock is
        // the test host's fixed fake clock, so neither the token nor a cached data key expires during the run.
        var host = ApiTestHost.Create(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Api:ServiceResponseCacheSeconds"] = cacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            countKeyServiceCalls: true);
        host.Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.Factory.StartServer();
        var ids = new List<string>();
        for (var i = 0; i < CredentialCount; i++)
        {
            var credential = await host.CreateCredentialAsync($"bench credential {i:00}", SampleCredentials.Pairs($"c{i:00}_"));
            ids.Add(credential.Item.Id);
        }

        await host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, ServiceId, new ServiceMappingInput { Credentials = ids });
        var token = await host.TokenAsync(ServiceId);
        return new RunningApp(
            host,
            (CountingKeyService)host.Get<IKeyService>(),
            new Uri(host.Get<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()),
            ids,
            token,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
    }

    private sealed record RunningApp(
        ApiTestHost Host,
        CountingKeyService Keys,
        Uri Address,
        List<string> CredentialIds,
        KmsAuthToken Token,
        string Basic) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    private static ResultRow Row(string group, string variant, List<LoadRun> runs, long? kmsCalls) => ResultRow.From(
        group,
        variant,
        runs.SelectMany(r => r.LatencyTicks).ToArray(),
        runs.Sum(r => r.ElapsedTicks),
        runs.Sum(r => r.AllocatedBytes),
        new TimeSpan(runs.Sum(r => r.CpuTime.Ticks)),
        kmsCalls);

    // Where a request's time goes: the parts of the handler's work called in process by one caller, no HTTP.
    private async Task<IReadOnlyList<ResultRow>> BreakdownAsync(ApiTestHost host, KmsAuthToken token, List<string> ids)
    {
        var validator = host.Get<KmsTokenValidator>();
        var caller = (await validator.ValidateAsync(token.Username, token.Token)).Principal
            ?? throw new InvalidOperationException("The bench token does not validate.");
        var mappings = host.Get<ServiceMappingService>();
        var store = host.Get<IConfidantStore>();
        var cipher = host.Get<CredentialCipher>();
        var items = (await store.GetManyAsync(ids)).OfType<CredentialItem>().ToList();
        var iterations = options.Iterations * options.InProcessFactor / 2;
        return await Comparison.RunAsync(
            $"Parts of GET /v1/services/{{id}} in process, 1 caller, no HTTP",
            options.Rounds,
            new Variant("ServiceMappingService.GetAsync (all below but the token)", iterations, _ => mappings.GetAsync(caller, ServiceId)),
            new Variant("KmsTokenValidator.ValidateAsync, cached token", iterations, _ => validator.ValidateAsync(token.Username, token.Token)),
            new Variant("IConfidantStore: GetAsync(service) + GetManyAsync(10)", iterations, async _ =>
            {
                await store.GetAsync(ServiceId);
                await store.GetManyAsync(ids);
            }),
            new Variant("CredentialCipher.DecryptAsync × 10, warm cache", iterations, async _ =>
            {
                foreach (var item in items)
                {
                    await cipher.DecryptAsync(item);
                }
            }));
    }

    // One request before the load: the response must carry every mapped credential with its pairs.
    private static async Task<(byte[] Body, string ContentType)> FetchCheckedAsync(HttpClient client, Uri target)
    {
        using var response = await client.GetAsync(target);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {target.AbsolutePath} answered {(int)response.StatusCode}.");
        }

        using var json = JsonDocument.Parse(body);
        var credentials = json.RootElement.GetProperty("credentials");
        if (credentials.GetArrayLength() != CredentialCount
            || credentials.EnumerateArray().Any(c => c.GetProperty("credential_pairs").EnumerateObject().Count() != SampleCredentials.PairCount))
        {
            throw new InvalidOperationException($"GET {target.AbsolutePath} did not return {CredentialCount} credentials of {SampleCredentials.PairCount} pairs.");
        }

        var contentType = response.Content.Headers.ContentType?.ToString()
            ?? throw new InvalidOperationException($"GET {target.AbsolutePath} has no content type.");
        return (body, contentType);
    }
}
