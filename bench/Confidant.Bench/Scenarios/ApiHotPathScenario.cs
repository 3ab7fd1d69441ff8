using System.Net;
using System.Text;
using System.Text.Json;
using Confidant.Bench.Harness;
using Confidant.Bench.Load;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.Rekey;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Confidant.Bench.Scenarios;

/// <summary>One target of the hot path: its storage backend, whether the response cache is on, and its figures.</summary>
internal sealed record HotPathVariant(string Backend, bool Cached, ResultRow Row, double Ratio, double RecordsPerRequest, double AppendsPerSecond);

/// <summary>What the hot-path scenario measured, with the figures that have targets.</summary>
internal sealed record ApiHotPathResult(
    IReadOnlyList<ResultRow> Rows,
    IReadOnlyList<HotPathVariant> Variants,
    double KmsCallsPerRequest,
    long FirstRequestKmsCalls,
    int Failures,
    double RekeyRate = 0)
{
    /// <summary>API ÷ bare of the default deployment: SQLite with the response cache on.</summary>
    public double ThroughputRatio => Variants[0].Ratio;
}

/// <summary>
/// The route every workload calls (spec §4.5 <c>GET /v1/services/{id}</c>): the real app on Kestrel at 127.0.0.1:0
/// (local key ring; SQLite, and DynamoDB on dynalite), a service mapped to 10 credentials of 3 pairs, called with a
/// kmsauth token in HTTP Basic as confidant-client sends it, every answer recorded in the audit trail before it
/// leaves; side by side with a bare Kestrel endpoint returning the same bytes. KMS calls are counted at the
/// key-service port, audit appends (group commits) and their records at the audit store. Two more apps on one dynalite
/// table stand behind a round-robin balancer (YARP), as several servers of one installation; a last app, as the first,
/// is measured while a re-wrap job (docs/decisions/0016-rekey-job.md) works through its store at the default pace.
/// </summary>
internal sealed class ApiHotPathScenario(BenchOptions options)
{
    private const string ServiceId = "bench-service";
    private const int CredentialCount = 10;

    /// <summary>The backend label of the variant of two servers behind a load balancer.</summary>
    public const string TwoServersBackend = "dynalite, two servers behind a round-robin balancer";

    /// <summary>The backend label of the variant measured while the re-encryption job runs.</summary>
    public const string RekeyBackend = "SQLite while a re-wrap job runs";

    public async Task<ApiHotPathResult> RunAsync(Action<string> progress)
    {
        // dynalite runs through the whole scenario: its CPU is part of what the DynamoDB variants cost.
        var dynalite = new DynaliteFixture();
        await dynalite.InitializeAsync();
        try
        {
            return await RunAsync(dynalite, progress);
        }
        finally
        {
            await dynalite.DisposeAsync();
        }
    }

    private async Task<ApiHotPathResult> RunAsync(DynaliteFixture dynalite, Action<string> progress)
    {
        // The host's clock is the test host's fixed fake clock, so neither the token nor a cached data key expires.
        var targets = new List<Target>();
        try
        {
            // Each app gets a store of its own: fresh tables on dynalite, its own temp directory for SQLite.
            foreach (var backend in new[] { "SQLite", "dynalite" })
            {
                foreach (var cacheSeconds in new[] { 5, 0 })
                {
                    progress($"starting the app: {backend}, response cache {(cacheSeconds > 0 ? "on" : "off")}");
                    var settings = backend == "SQLite" ? [] : await DynaliteSettingsAsync(dynalite);
                    targets.Add(await StartTargetAsync(backend, settings, cacheSeconds));
                }
            }

            progress("starting two apps on one dynalite table behind a round-robin balancer, response cache on");
            targets.Add(await StartTwoServerTargetAsync(dynalite));

            // Last, so that its job starts just before the measurement: the same app as the first, under a re-wrap job at
            // the default pace, with enough stored items that the job is still running when the measurement ends.
            progress("starting the app: SQLite, response cache on, re-wrap job running");
            targets.Add(await StartRekeyTargetAsync(progress));

            var result = await MeasureAsync(targets, progress);
            var job = await targets[^1].App.Host.Get<RekeyJobStore>().LoadAsync();
            if (job is not { IsActive: true })
            {
                throw new InvalidOperationException("The re-wrap job ended before the measurement did: its figures would not be under load.");
            }

            return result with { RekeyRate = job.Rate ?? 0 };
        }
        finally
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync();
            }
        }
    }

    private async Task<ApiHotPathResult> MeasureAsync(List<Target> targets, Action<string> progress)
    {
        var first = targets[0];
        var keysBeforeFirst = first.App.Keys.Calls;
        var (body, contentType) = await FetchCheckedAsync(first.Client, first.Uri);
        var firstRequestCalls = first.App.Keys.Calls - keysBeforeFirst;
        foreach (var target in targets.Skip(1))
        {
            target.Length = (await FetchCheckedAsync(target.Client, target.Uri)).Body.Length;
        }

        first.Length = body.Length;
        await using var bare = await BareKestrelEndpoint.StartAsync(body, contentType);
        using var bareClient = LoadGenerator.CreateClient(options.Workers, first.App.Basic);
        var bareTarget = new Uri(bare.Address, first.Uri.AbsolutePath);

        progress("parts of the request in process");
        var breakdown = await BreakdownAsync(first.App.Host, first.App.Token, first.App.CredentialIds);

        progress($"warm-up: {options.Warmup.TotalSeconds:0} s per target");
        var failures = (await LoadGenerator.RunAsync(bareClient, bareTarget, body.Length, options.Workers, options.Warmup)).Failures;
        foreach (var target in targets)
        {
            failures += (await LoadGenerator.RunAsync(target.Client, target.Uri, target.Length, options.Workers, options.Warmup)).Failures;
        }

        var slice = options.Duration / options.Rounds;
        var bareRuns = new List<LoadRun>();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (var round = 0; round < options.Rounds; round++)
        {
            progress($"round {round + 1}/{options.Rounds}: {slice.TotalSeconds:0.#} s each, {options.Workers} workers");
            bareRuns.Add(await LoadGenerator.RunAsync(bareClient, bareTarget, body.Length, options.Workers, slice));
            foreach (var target in targets)
            {
                await target.RunAsync(options.Workers, slice);
            }
        }

        var group = $"GET /v1/services/{{id}}: {CredentialCount} credentials × {SampleCredentials.PairCount} pairs, {body.Length:#,0} B, {options.Workers} workers, every delivery recorded";
        var bareRow = Row(group, "bare Kestrel, same bytes", bareRuns, null);
        var variants = targets.Select(t =>
        {
            var row = Row(group, $"Confidant API on {t.Backend}, response cache {(t.Cached ? "5 s (the default)" : "off")}", t.Runs, t.KmsCalls);
            var seconds = t.Runs.Sum(r => r.ElapsedTicks) / (double)System.Diagnostics.Stopwatch.Frequency;
            return new HotPathVariant(t.Backend, t.Cached, row, row.OpsPerSecond / bareRow.OpsPerSecond, t.Records / (double)row.Operations, t.Appends / seconds);
        }).ToList();
        return new ApiHotPathResult(
            [bareRow, .. variants.Select(v => v.Row), .. breakdown],
            variants,
            variants[0].Row.KmsCallsPerOp ?? 0,
            firstRequestCalls,
            failures + bareRuns.Sum(r => r.Failures) + targets.Sum(t => t.Runs.Sum(r => r.Failures)));
    }

    private static Task<Dictionary<string, string?>> DynaliteSettingsAsync(DynaliteFixture dynalite)
    {
        MotoServerFixture.ProvideDefaultCredentials();
        return dynalite.StorageSettingsAsync();
    }

    private async Task<Target> StartTargetAsync(string backend, Dictionary<string, string?> settings, int cacheSeconds)
    {
        var app = await StartAppAsync(settings, cacheSeconds);
        var client = LoadGenerator.CreateClient(options.Workers, app.Basic);
        return new Target(backend, cacheSeconds > 0, [app], client, new Uri(app.Address, $"/v1/services/{ServiceId}"));
    }

    /// <summary>
    /// Two apps of one installation (one dynalite table, one key ring) behind YARP sending requests round-robin, as
    /// operators run several servers; the token is minted by the first and accepted by both.
    /// </summary>
    private async Task<Target> StartTwoServerTargetAsync(DynaliteFixture dynalite)
    {
        var settings = await DynaliteSettingsAsync(dynalite);
        settings["Kms:LocalKeyRingPath"] = Path.Combine(Directory.CreateTempSubdirectory("confidant-bench-ring-").FullName, "keyring.json");

        // Behind a balancer, as operators deploy: a sign-in mode that serves other machines, the balancer trusted.
        settings["Auth:Mode"] = "Header";
        settings["Auth:Header:UserNameHeader"] = "X-Confidant-User";
        settings["Auth:Header:EmailHeader"] = "X-Confidant-Email";
        settings["Network:TrustedProxies:0"] = "127.0.0.1";
        var first = await StartAppAsync(settings, cacheSeconds: 5);
        var second = await StartAppAsync(settings, cacheSeconds: 5, seed: first);
        var proxy = await RoundRobinProxy.StartAsync(new Dictionary<string, Uri> { ["a"] = first.Address, ["b"] = second.Address });
        var client = LoadGenerator.CreateClient(options.Workers, first.Basic);
        return new Target(TwoServersBackend, cached: true, [first, second], client, new Uri(proxy.Address, $"/v1/services/{ServiceId}"), proxy);
    }

    private async Task<Target> StartRekeyTargetAsync(Action<string> progress)
    {
        var target = await StartTargetAsync(RekeyBackend, [], cacheSeconds: 5);
        var host = target.App.Host;

        // Two stored items per credential (the current item and its revision record); the job re-wraps about 50 items/s
        // at the default pace, for the whole of the measurement and the parts before it, with half as much to spare.
        var seconds = ((options.Warmup + options.Duration).TotalSeconds * 6) + 20;
        var credentials = (int)(new RekeyOptions().KmsCallsPerSecond / 2 * seconds * 1.5 / 2);
        progress($"seeding {credentials:N0} credentials for the re-wrap job");
        for (var i = 0; i < credentials; i++)
        {
            await host.CreateCredentialAsync($"rekey load {i:00000}", SampleCredentials.Pairs("r_"));
        }

        host.Get<ILocalKeyRing>().Rotate(new KmsOptions().MasterKeyId);
        await host.Get<RekeyService>().StartAsync(ApiTestHost.Alice, new RekeyRequest());
        return target;
    }

    /// <summary>
    /// The real app on Kestrel at 127.0.0.1:0, seeded with the service and its credentials, or, given the app
    /// <paramref name="seed"/> of the same installation, sharing its store, key ring, credentials and token.
    /// </summary>
    private static async Task<RunningApp> StartAppAsync(Dictionary<string, string?> backend, int cacheSeconds, RunningApp? seed = null)
    {
        // Start-up and seeding log at Information; the request path logs nothing at that level.
        var settings = new Dictionary<string, string?>(backend)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Api:ServiceResponseCacheSeconds"] = cacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        CountingAuditAppends.Counts? audit = null;
        // The real clock, as the product runs: the test host's settable clock takes a lock on every reading.
        var host = ApiTestHost.Create(settings, countKeyServiceCalls: true, configureServices: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(TimeProvider.System);
            audit = CountingAuditAppends.Decorate(services);
        });
        host.Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.Factory.StartServer();
        var address = new Uri(host.Get<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        if (seed is not null)
        {
            return seed with { Host = host, Keys = (CountingKeyService)host.Get<IKeyService>(), Audit = audit!, Address = address };
        }

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
            audit!,
            address,
            ids,
            token,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
    }

    private sealed record RunningApp(
        ApiTestHost Host,
        CountingKeyService Keys,
        CountingAuditAppends.Counts Audit,
        Uri Address,
        List<string> CredentialIds,
        KmsAuthToken Token,
        string Basic) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    /// <summary>
    /// One deployment under load (one app, or several behind <paramref name="front"/>): its client, its measured runs
    /// and what they cost at the key service and the audit store, summed over its apps.
    /// </summary>
    private sealed class Target(string backend, bool cached, IReadOnlyList<RunningApp> apps, HttpClient client, Uri uri, IAsyncDisposable? front = null)
        : IAsyncDisposable
    {
        public string Backend => backend;

        public bool Cached => cached;

        public RunningApp App => apps[0];

        public HttpClient Client => client;

        public Uri Uri => uri;

        public int Length { get; set; }

        public List<LoadRun> Runs { get; } = [];

        public long KmsCalls { get; private set; }

        public long Records { get; private set; }

        public long Appends { get; private set; }

        public async Task RunAsync(int workers, TimeSpan duration)
        {
            var (keys, records, appends) = Totals();
            Runs.Add(await LoadGenerator.RunAsync(client, uri, Length, workers, duration));

            // Appends still in flight when the load stops land in the next slice; over the rounds they even out.
            var after = Totals();
            KmsCalls += after.Keys - keys;
            Records += after.Records - records;
            Appends += after.Appends - appends;
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            if (front is not null)
            {
                await front.DisposeAsync();
            }

            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }

        private (long Keys, long Records, long Appends) Totals() =>
            (apps.Sum(a => a.Keys.Calls), apps.Sum(a => a.Audit.Records), apps.Sum(a => a.Audit.Appends));
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
