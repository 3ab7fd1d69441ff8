using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.Audit;
using Confidant.Services.Audit.Sqlite;
using Confidant.Services.Credentials;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Audit;

/// <summary>
/// Durability against a process kill: the real server (<c>dotnet Confidant.Web.dll</c>, embedded defaults in a temp
/// directory) under a load of service reads is killed with SIGKILL; after a restart every read a client saw as 200
/// has its record, and <c>audit verify</c> (the same executable's verb) exits 0.
/// </summary>
public sealed class AuditCrashTests : IDisposable
{
    private const string Service = "crash-test";
    private const int Workers = 8;
    private readonly TempDirectory _directory = new();
    private int _answered;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task KilledUnderLoad_EveryDeliveredReadHasItsRecord_VerifyPassesAfterRestart()
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__Sqlite__Path"] = _directory.File("confidant.db"),
            ["Kms__LocalKeyRingPath"] = _directory.File("keyring.json"),
            ["Api__ServiceResponseCacheSeconds"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",

            // Workloads only: the people's sign-in is never used, so the development one on loopback will do.
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        var token = await SeedAsync(environment);

        int delivered;
        await using (var server = ConfidantProcess.Start(environment))
        {
            var baseUrl = await server.BaseAddressAsync();
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => ReadUntilFailureAsync(baseUrl, token, stop.Token))).ToList();
            // Killed mid-load once enough reads were answered, however slow the machine is.
            var waited = Stopwatch.StartNew();
            while (Volatile.Read(ref _answered) < 200 && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }

            await server.KillAsync();
            delivered = (await Task.WhenAll(load)).Sum();
            Assert.True(delivered > 50, $"Only {delivered} reads before the kill: {server.Output}");
        }

        await using (var restarted = ConfidantProcess.Start(environment))
        {
            Assert.Equal(HttpStatusCode.OK, (await Client(await restarted.BaseAddressAsync(), token).GetAsync(new Uri($"/v1/services/{Service}", UriKind.Relative))).StatusCode);
            delivered++;
            await restarted.KillAsync();
        }

        var recorded = await CountServiceReadsAsync();
        await using var verify = ConfidantProcess.Command(environment, "audit", "verify");
        var exit = await verify.WaitForExitAsync();
        var output = verify.Output;

        Assert.True(recorded >= delivered, $"{delivered} reads answered 200 but only {recorded} recorded.");
        Assert.True(exit == 0, output);
        Assert.Contains("audit verify: OK", output, StringComparison.Ordinal);
    }

    // The credentials, the service and a kmsauth token, written through the domain on the same files.
    private static async Task<KmsAuthToken> SeedAsync(Dictionary<string, string> environment)
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = environment["Storage__Sqlite__Path"],
            ["Kms:LocalKeyRingPath"] = environment["Kms__LocalKeyRingPath"],
        });
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var credential = await host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential($"crash-{i}", ($"key{i}a", "v1"), ($"key{i}b", "v2"), ($"key{i}c", "v3")));
            ids.Add(credential.Item.Id);
        }

        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, Service, new ServiceMappingInput { Credentials = ids });
        return await new KmsTokenGenerator(host.Get<IKeyService>(), TimeProvider.System).GenerateAsync("alias/confidant-auth", Service, "confidant", lifetimeMinutes: 30);
    }

    private async Task<int> ReadUntilFailureAsync(Uri baseUrl, KmsAuthToken token, CancellationToken cancellationToken)
    {
        using var client = Client(baseUrl, token);
        var delivered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"/v1/services/{Service}", UriKind.Relative), cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                delivered++;
                Interlocked.Increment(ref _answered);
            }
            catch (HttpRequestException)
            {
                // The server is gone: what was answered before is what counts.
                return delivered;
            }
        }

        return delivered;
    }

    private static HttpClient Client(Uri baseUrl, KmsAuthToken token)
    {
        var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        return client;
    }

    private async Task<long> CountServiceReadsAsync()
    {
        var store = new SqliteAuditStore(_directory.File("confidant.db"), new StorageOptions().CallTimeout, TimeProvider.System);
        var count = 0L;
        string? page = null;
        do
        {
            var result = await store.QueryAsync(new AuditQuery(Actor: Service, Limit: AuditQuery.MaxLimit, Page: page) { Action = AuditActions.ServiceRead });
            count += result.Records.Count(r => r.Entry.Outcome == AuditOutcomes.Delivered && r.Entry.Items.Count == 10);
            page = result.NextPage;
        }
        while (page is not null);

        return count;
    }
}
