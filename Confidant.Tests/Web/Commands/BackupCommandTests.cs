using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Credentials;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// <c>backup --to FILE</c>: the restore drill of docs/operations.md run as an operator runs it (a server under load,
/// the backup taken meanwhile, the file copied into a fresh deployment that serves the same credentials and whose audit
/// trail verifies), its refusals, and its answer on DynamoDB.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class BackupCommandTests(DynaliteFixture dynalite) : IDisposable
{
    private const string Service = "backup-drill";
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task BackupWhileServing_RestoredIntoAFreshDeployment_ServesTheCredentialsAndVerifies()
    {
        var original = Deployment("original");
        var (token, values) = await SeedAsync(original);
        var backupFile = _directory.File("confidant-backup.db");

        // The server appends an audit record per read to the same file while the backup copies it.
        await using (var server = ConfidantProcess.Start(original))
        {
            var baseUrl = await server.BaseAddressAsync();
            using var stop = new CancellationTokenSource();
            var load = Task.Run(() => ReadUntilStoppedAsync(baseUrl, token, stop.Token));
            await using var backup = ConfidantProcess.Command(original, "backup", "--to", backupFile);
            var exit = await backup.WaitForExitAsync();
            await stop.CancelAsync();
            var reads = await load;

            Assert.True(exit == 0, backup.Output);
            Assert.Contains($"copied to {backupFile}", backup.Output, StringComparison.Ordinal);
            Assert.Contains("integrity check ok", backup.Output, StringComparison.Ordinal);
            Assert.True(reads > 0, "no read was served while the backup ran");
            await server.KillAsync();
        }

        // A fresh deployment: the backup copied into place, with the key ring (the local key service's keys).
        var restored = Deployment("restored");
        File.Copy(backupFile, restored["Storage__Sqlite__Path"]);
        File.Copy(original["Kms__LocalKeyRingPath"], restored["Kms__LocalKeyRingPath"]);
        await using (var server = ConfidantProcess.Start(restored))
        {
            using var client = Client(await server.BaseAddressAsync(), token);
            using var response = await client.GetAsync(new Uri($"/v1/services/{Service}", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var served = JsonDocument.Parse(body).RootElement.GetProperty("credentials").EnumerateArray()
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("credential_pairs").EnumerateObject().Single().Value.GetString()!);
            Assert.Equal(values.OrderBy(v => v.Key, StringComparer.Ordinal), served.OrderBy(v => v.Key, StringComparer.Ordinal));
            await server.KillAsync();
        }

        await using var verify = ConfidantProcess.Command(restored, "audit", "verify");
        var verified = await verify.WaitForExitAsync();
        Assert.True(verified == 0, verify.Output);
        Assert.Contains("audit verify: OK", verify.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("backup", "--to")]
    [InlineData("backup", "--into", "x.db")]
    [InlineData("backup", "--to", "a.db", "--to", "b.db")]
    public async Task Run_BadArguments_Exit2WithTheUsage(params string[] args)
    {
        await using var host = ApiTestHost.Create();

        var (exit, _, error) = await RunAsync(host, args);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Contains(BackupCommand.Usage, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DestinationExists_Exit1AndLeavesItAlone()
    {
        await using var host = ApiTestHost.Create();
        await host.CreateCredentialAsync("kept", ("password", "x"));
        var existing = _directory.File("existing.db");
        await File.WriteAllTextAsync(existing, "not a backup");

        var (exit, _, error) = await RunAsync(host, "backup", "--to", existing);

        Assert.Equal(1, exit);
        Assert.Contains("already exists", error, StringComparison.Ordinal);
        Assert.Equal("not a backup", await File.ReadAllTextAsync(existing));
        var record = await BackupRecordAsync(host);
        Assert.Equal(AuditOutcomes.Failed, record.Outcome);
        Assert.Contains($"backup to {existing}: ", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Copied_OnRecordWithTheOperatingSystemUserAndTheCopy()
    {
        await using var host = ApiTestHost.Create();
        await host.CreateCredentialAsync("kept", ("password", "x"));
        var destination = _directory.File("recorded.db");

        var (exit, _, error) = await RunAsync(host, "backup", "--to", destination);

        Assert.True(exit == 0, error);
        var record = await BackupRecordAsync(host);
        Assert.Equal(
            (AuditOutcomes.Succeeded, AuditChannels.Command, "backup", Environment.UserName, BackupCommand.StoreResource),
            (record.Outcome, record.Origin.Channel, record.Origin.Route, record.Actor.Name, record.ResourceType));
        Assert.StartsWith($"backup: copied to {destination} (", record.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("password", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OnDynamoDb_Exit2PointingToPointInTimeRecovery()
    {
        MotoServerFixture.ProvideDefaultCredentials();
        await using var host = ApiTestHost.Create(await dynalite.StorageSettingsAsync());
        var destination = _directory.File("dynamo.db");

        var (exit, _, error) = await RunAsync(host, "backup", "--to", destination);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Contains("point-in-time recovery", error, StringComparison.Ordinal);
        Assert.Contains("docs/operations.md", error, StringComparison.Ordinal);
        Assert.False(File.Exists(destination));
    }

    private Dictionary<string, string> Deployment(string name)
    {
        var directory = Directory.CreateDirectory(_directory.File(name)).FullName;
        return new Dictionary<string, string>
        {
            ["Storage__Sqlite__Path"] = Path.Combine(directory, "confidant.db"),
            ["Kms__LocalKeyRingPath"] = Path.Combine(directory, "keyring.json"),
            ["Api__ServiceResponseCacheSeconds"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",

            // Workloads only: the people's sign-in is never used, so the development one on loopback will do.
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
    }

    // Credentials and a service mapping them, written through the domain, and a kmsauth token of that service.
    private static async Task<(KmsAuthToken Token, Dictionary<string, string> Values)> SeedAsync(Dictionary<string, string> environment)
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = environment["Storage__Sqlite__Path"],
            ["Kms:LocalKeyRingPath"] = environment["Kms__LocalKeyRingPath"],
        });
        var ids = new List<string>();
        var values = new Dictionary<string, string>();
        for (var i = 0; i < 5; i++)
        {
            var credential = await host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential($"drill-{i}", ($"password{i}", $"value-{i}")));
            ids.Add(credential.Item.Id);
            values[$"drill-{i}"] = $"value-{i}";
        }

        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, Service, new ServiceMappingInput { Credentials = ids });
        var token = await new KmsTokenGenerator(host.Get<IKeyService>(), TimeProvider.System).GenerateAsync("alias/confidant-auth", Service, "confidant", lifetimeMinutes: 30);
        return (token, values);
    }

    private static async Task<int> ReadUntilStoppedAsync(Uri baseUrl, KmsAuthToken token, CancellationToken cancellationToken)
    {
        using var client = Client(baseUrl, token);
        var reads = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var response = await client.GetAsync(new Uri($"/v1/services/{Service}", UriKind.Relative), CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            reads++;
        }

        return reads;
    }

    private static HttpClient Client(Uri baseUrl, KmsAuthToken token)
    {
        var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        return client;
    }

    private static async Task<AuditEntry> BackupRecordAsync(ApiTestHost host) =>
        Assert.Single((await host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.Backup })).Records).Entry;

    private static async Task<(int Exit, string Output, string Error)> RunAsync(ApiTestHost host, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(host.Factory.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
