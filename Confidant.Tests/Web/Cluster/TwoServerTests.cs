using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.Rekey;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Cluster;

/// <summary>
/// Two servers of one installation, as operators run them: the built Confidant.Web.dll twice, in processes of their
/// own, in the Production environment, on one DynamoDB table (dynalite) and one key ring, with a round-robin load
/// balancer (YARP) in front. People and workloads call with kmsauth tokens. A third party on the same store (an operator's side, here a domain host) seeds,
/// starts jobs and watches the store.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class TwoServerTests(DynaliteFixture dynalite) : IAsyncLifetime, IDisposable
{
    private const string UserAuthKey = "alias/confidant-user-auth";

    /// <summary>Far longer than any wait below: a server that served a stale answer from it would fail the test.</summary>
    private const int ResponseCacheSeconds = 120;

    private readonly TempDirectory _directory = new();
    private Dictionary<string, string?> _settings = null!;
    private DomainHost _operator = null!;
    private KmsTokenGenerator _tokens = null!;

    public async Task InitializeAsync()
    {
        _settings = await dynalite.StorageSettingsAsync();
        _settings["Kms:LocalKeyRingPath"] = _directory.File("keyring.json");
        _settings["KmsAuth:UserAuthKey"] = UserAuthKey;
        _settings["KmsAuth:UserTypes:0"] = "service";
        _settings["KmsAuth:UserTypes:1"] = "user";
        _settings["Api:ServiceResponseCacheSeconds"] = ResponseCacheSeconds.ToString(CultureInfo.InvariantCulture);
        _settings["Rekey:KmsCallsPerSecond"] = "40";
        _settings["Rekey:BatchSize"] = "5";
        _settings["Rekey:LeaseSeconds"] = "3";
        _settings["Rekey:PollSeconds"] = "1";

        // The operator's side creates the key ring (and the aliases the settings name) before any server reads it.
        _operator = await DomainHost.StartAsync(_settings, configureServices: services => services.AddSingleton(dynalite.Client));
        _tokens = new KmsTokenGenerator(_operator.Get<IKeyService>(), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _operator.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Update_ThroughServerA_ServedByServerBWithinTheCoherenceBound()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        using var aliceOnA = await ClientAsync(a.Url, "alice", "user", UserAuthKey);
        using var workloadOnB = await ClientAsync(b.Url, "svc", "service", "alias/confidant-auth");
        var id = await CreateCredentialAsync(aliceOnA, "db", "p1");
        await SendAsync(aliceOnA, HttpMethod.Put, "/v1/services/svc", $"{{\"credentials\": [\"{id}\"], \"blind_credentials\": [], \"enabled\": true}}");
        Assert.Equal("p1", await ServedPasswordAsync(workloadOnB));

        await SendAsync(aliceOnA, HttpMethod.Put, $"/v1/credentials/{id}", "{\"credential_pairs\": {\"password\": \"p2\"}}");
        var clock = Stopwatch.StartNew();
        while (await ServedPasswordAsync(workloadOnB) != "p2")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(ResponseCacheSeconds / 4), "server B never served the update");
            await Task.Delay(25);
        }

        // The bound is Cluster:CoherenceMilliseconds (1 s) plus a store round trip; the margin is for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"server B served the update after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task ServerKilledMidWrites_EveryAnsweredWriteKeptAndTheOtherKeepsServingBehindTheProxy()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var proxy = await RoundRobinProxy.StartAsync(new Dictionary<string, Uri> { ["a"] = a.Url, ["b"] = b.Url });
        using var alice = await ClientAsync(proxy.Address, "alice", "user", UserAuthKey);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var servedBy = new List<string>();
        var killed = false;
        var refusal = string.Empty;
        var clock = Stopwatch.StartNew();
        while (written.Count < 40)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{written.Count} writes answered in a minute; the last refusal: {refusal}");
            if (written.Count == 15 && !killed)
            {
                await a.Process.KillAsync();
                killed = true;
                servedBy.Add("killed");
            }

            var value = $"v{written.Count}-{clock.ElapsedTicks}";
            var response = await alice.PostAsync(new Uri("/v1/credentials", UriKind.Relative), Json(
                $"{{\"name\": \"n{written.Count}\", \"credential_pairs\": {{\"password\": \"{value}\"}}, \"enabled\": true}}"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                written[JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>()] = value;
                servedBy.Add(response.Headers.GetValues(RoundRobinProxy.ServedByHeader).Single());
            }
            else
            {
                refusal = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
        }

        // Round-robin before the kill, server b alone once the balancer saw a fail its health check (probed every second;
        // the writes after the kill may all have been answered before the first failed probe).
        var beforeKill = servedBy.TakeWhile(s => s != "killed").ToList();
        Assert.Contains("a", beforeKill);
        Assert.Contains("b", beforeKill);
        Assert.All(servedBy.TakeLast(10), s => Assert.Equal("b", s));
        await WaitUntilServedOnlyByAsync(alice, "b");
        foreach (var (id, value) in written)
        {
            var read = JsonNode.Parse(await SendAsync(alice, HttpMethod.Get, $"/v1/credentials/{id}", null))!;
            Assert.Equal(value, read["credential_pairs"]!["password"]!.GetValue<string>());
        }

        await using var verify = ConfidantProcess.Command(Environment(), "audit", "verify");
        Assert.True(await verify.WaitForExitAsync() == 0, verify.Output);
    }

    [Fact]
    public async Task PersonBehindTheBalancer_AntiforgeryTokenFromOneServerAcceptedByTheOther()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var proxy = await RoundRobinProxy.StartAsync(new Dictionary<string, Uri> { ["a"] = a.Url, ["b"] = b.Url });
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var person = new HttpClient(handler) { BaseAddress = proxy.Address };
        person.DefaultRequestHeaders.Add("X-Confidant-User", "alice");
        person.DefaultRequestHeaders.Add("X-Confidant-Email", "alice@example.com");

        // The first answer, from whichever server, sets the antiforgery cookie and the XSRF token the UI echoes.
        using var first = await person.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var issuedBy = first.Headers.GetValues(RoundRobinProxy.ServedByHeader).Single();
        var xsrf = cookies.GetCookies(proxy.Address)["XSRF-TOKEN"]?.Value ?? throw new InvalidOperationException("no XSRF-TOKEN cookie");
        person.DefaultRequestHeaders.Add("X-XSRF-TOKEN", Uri.UnescapeDataString(xsrf));

        var writers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await person.PostAsync(new Uri("/v1/credentials", UriKind.Relative), Json(
                $"{{\"name\": \"s{i}\", \"credential_pairs\": {{\"password\": \"p{i}\"}}, \"enabled\": true}}"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"write {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            writers.Add(response.Headers.GetValues(RoundRobinProxy.ServedByHeader).Single());
        }

        Assert.Contains(issuedBy == "a" ? "b" : "a", writers);
    }

    [Fact]
    public async Task RekeyJob_WorkedByOneServerAtATime_TakenOverWhenItsServerDies()
    {
        var seed = await RekeySeed.WriteAsync(_operator.Services, credentials: 30, revisions: 2);
        var newKey = _operator.Get<ILocalKeyRing>().Rotate(new KmsOptions().MasterKeyId).Arn;
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await _operator.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest());
        var jobs = new RekeyJobStore(_operator.Get<IConfidantStore>());
        var workers = new List<string>();
        RekeyJob? job = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                job = await jobs.LoadAsync();
                AddWorker(workers, job);
                return job is { Processed: >= 15 };
            },
            TimeSpan.FromSeconds(60),
            "a server working the job");
        var holder = ProcessOf(job!.Worker!, a, b);
        var other = holder == a ? b : a;

        await holder.Process.KillAsync();
        await Eventually.HoldsAsync(
            async () =>
            {
                job = await jobs.LoadAsync();
                AddWorker(workers, job);
                return job is { Status: RekeyStatus.Completed };
            },
            TimeSpan.FromSeconds(90),
            "the other server finishing the job");

        Assert.True(job!.Succeeded, job.Error);
        Assert.Equal(seed.Items, job.Rewritten + job.Skipped);
        Assert.Equal(2, workers.Count);
        Assert.Same(holder, ProcessOf(workers[0], a, b));
        Assert.Same(other, ProcessOf(workers[1], a, b));
        Assert.All(await RekeySeed.WrappingKeysAsync(_operator.Services), item => Assert.Equal(newKey, item.KeyArn));
        await seed.AssertEveryRevisionReadsAsync(_operator.Services);
    }

    private static void AddWorker(List<string> workers, RekeyJob? job)
    {
        if (job?.Worker is { } worker && (workers.Count == 0 || workers[^1] != worker))
        {
            workers.Add(worker);
        }
    }

    /// <summary>The server a worker's name (<c>host/pid/suffix</c>) belongs to.</summary>
    private static Server ProcessOf(string worker, params Server[] servers) =>
        servers.Single(s => worker.Split('/')[1] == s.Process.ProcessId.ToString(CultureInfo.InvariantCulture));

    private async Task<Server> StartServerAsync()
    {
        // A home directory of its own, as on a machine of its own: nothing per-user (such as a default key folder) is shared.
        var environment = Environment();
        environment["HOME"] = Directory.CreateDirectory(_directory.File($"home-{Guid.NewGuid():N}")).FullName;
        var process = ConfidantProcess.Start(environment);
        return new Server(process, await process.BaseAddressAsync());
    }

    /// <summary>The settings as a server's environment, exactly, plus what the AWS SDK needs to call dynalite.</summary>
    private Dictionary<string, string> Environment()
    {
        var environment = _settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? string.Empty);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        // People sign in behind the balancer (header sign-in, the balancer trusted); workloads and these tests use kmsauth.
        environment["Auth__Mode"] = "Header";
        environment["Auth__Header__UserNameHeader"] = "X-Confidant-User";
        environment["Auth__Header__EmailHeader"] = "X-Confidant-Email";
        environment["Network__TrustedProxies__0"] = "127.0.0.1";
        environment["Auth__Roles__Default"] = "editor";
        environment["AWS_ACCESS_KEY_ID"] = "x";
        environment["AWS_SECRET_ACCESS_KEY"] = "x";
        environment["AWS_DEFAULT_REGION"] = "us-east-1";
        return environment;
    }

    private async Task<HttpClient> ClientAsync(Uri baseAddress, string from, string userType, string key)
    {
        var token = await _tokens.GenerateAsync(key, from, "confidant", userType, lifetimeMinutes: 30);
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        return client;
    }

    private static async Task<string> CreateCredentialAsync(HttpClient client, string name, string password) =>
        JsonNode.Parse(await SendAsync(client, HttpMethod.Post, "/v1/credentials",
            $"{{\"name\": \"{name}\", \"credential_pairs\": {{\"password\": \"{password}\"}}, \"enabled\": true}}"))!["id"]!.GetValue<string>();

    private static async Task<string> ServedPasswordAsync(HttpClient workload)
    {
        var body = JsonNode.Parse(await SendAsync(workload, HttpMethod.Get, "/v1/services/svc?metadata_only=False", null))!;
        return body["credentials"]!.AsArray().Single()!["credential_pairs"]!["password"]!.GetValue<string>();
    }

    // Until the balancer answers a few requests in a row from that server alone.
    private static async Task WaitUntilServedOnlyByAsync(HttpClient client, string server)
    {
        var clock = Stopwatch.StartNew();
        for (var inARow = 0; inARow < 4;)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the balancer still sends requests elsewhere than to {server}");
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            var servedBy = response.Headers.TryGetValues(RoundRobinProxy.ServedByHeader, out var names) ? names.Single() : null;
            inARow = response.StatusCode == HttpStatusCode.OK && servedBy == server ? inARow + 1 : 0;
            if (inARow == 0)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : Json(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private sealed record Server(ConfidantProcess Process, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
