using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Services.Storage.Sqlite;
using Confidant.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Api;

public sealed class ServiceResponseCacheTests
{
    private static async Task<(ApiTestHost Host, string CredentialId)> SeedAsync(string cacheSeconds = "5")
    {
        var host = ApiTestHost.Create(new Dictionary<string, string?> { ["Api:ServiceResponseCacheSeconds"] = cacheSeconds }, countKeyServiceCalls: true);
        var credential = await host.CreateCredentialAsync("db", ("password", "v1"));
        await host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        return (host, credential.Item.Id);
    }

    private static async Task<string> PasswordAsync(HttpClient client)
    {
        var response = await client.GetAsync(new Uri("/v1/services/billing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("credentials")[0].GetProperty("credential_pairs").GetProperty("password").GetString()!;
    }

    [Fact]
    public async Task GetService_WriteThroughThisInstance_IsVisibleAtOnce()
    {
        var (host, id) = await SeedAsync();
        await using var _ = host;
        using var client = await host.ServiceClientAsync("billing");

        var before = await PasswordAsync(client);
        await host.Get<CredentialService>().UpdateAsync(ApiTestHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "v2")) });
        var after = await PasswordAsync(client);

        Assert.Equal("v1", before);
        Assert.Equal("v2", after);
    }

    [Fact]
    public async Task GetService_WriteByAnotherInstance_SeenOnlyAfterTheTimeLimit()
    {
        var (host, id) = await SeedAsync();
        await using var _ = host;
        using var client = await host.ServiceClientAsync("billing");
        await PasswordAsync(client);

        // Another instance writes to the shared store: this process's generation does not move.
        var store = host.Get<SqliteConfidantStore>();
        var current = Assert.IsType<CredentialItem>(await store.GetAsync(id));
        var encrypted = await host.Get<CredentialCipher>().EncryptAsync(id, CredentialPairs.FromStrings([new("password", "v2")]));
        await store.WriteRevisionAsync(current with
        {
            Revision = 2,
            CredentialPairs = encrypted.CredentialPairs,
            DataKey = encrypted.DataKey,
        });
        var withinLimit = await PasswordAsync(client);
        host.Factory.Time.Advance(TimeSpan.FromSeconds(6));
        var afterLimit = await PasswordAsync(client);

        Assert.Equal("v1", withinLimit);
        Assert.Equal("v2", afterLimit);
    }

    [Fact]
    public async Task GetService_CacheOff_WriteByAnotherInstanceSeenAtOnce()
    {
        var (host, id) = await SeedAsync(cacheSeconds: "0");
        await using var _ = host;
        using var client = await host.ServiceClientAsync("billing");
        await PasswordAsync(client);

        var store = host.Get<SqliteConfidantStore>();
        var current = Assert.IsType<CredentialItem>(await store.GetAsync(id));
        var encrypted = await host.Get<CredentialCipher>().EncryptAsync(id, CredentialPairs.FromStrings([new("password", "v2")]));
        await store.WriteRevisionAsync(current with { Revision = 2, CredentialPairs = encrypted.CredentialPairs, DataKey = encrypted.DataKey });

        Assert.Equal("v2", await PasswordAsync(client));
    }

    [Fact]
    public async Task GetService_CachedForOwner_AnotherServiceStillForbidden()
    {
        var (host, _) = await SeedAsync();
        await using var _ = host;
        using var owner = await host.ServiceClientAsync("billing");
        using var other = await host.ServiceClientAsync("web");

        await PasswordAsync(owner);
        var response = await other.GetAsync(new Uri("/v1/services/billing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetService_MetadataOnlyAfterFullRead_HasNoValues()
    {
        var (host, _) = await SeedAsync();
        await using var _ = host;
        using var client = await host.ServiceClientAsync("billing");

        await PasswordAsync(client);
        var response = await client.GetStringAsync(new Uri("/v1/services/billing?metadata_only=true", UriKind.Relative));

        Assert.DoesNotContain("v1", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_ConcurrentPollsOverASocketWhileEntriesAreEvicted_EveryBodyIsWholeJson()
    {
        // A one-entry cache that expires every few milliseconds of (fake) time, two services polled in turn and a
        // writer: entries are replaced and evicted while other requests are still writing them to the socket.
        var host = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["Api:ServiceResponseCacheSeconds"] = "1",
            ["Api:ServiceResponseCacheSize"] = "1",
        });
        await using var _ = host;
        host.Factory.UseKestrel(0);
        host.Factory.StartServer();
        var credential = await host.CreateCredentialAsync("db", ("password", new string('p', 4000)));
        string[] services = ["billing", "ledger"];
        foreach (var service in services)
        {
            await host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, service, new ServiceMappingInput { Credentials = [credential.Item.Id] });
        }

        var address = new Uri(host.Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var clients = new List<(HttpClient Client, string Service)>();
        foreach (var service in services)
        {
            var token = await host.TokenAsync(service);
            for (var i = 0; i < 4; i++)
            {
                var client = new HttpClient { BaseAddress = address };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
                clients.Add((client, service));
            }
        }

        var failures = new ConcurrentQueue<string>();
        var polls = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var pollers = clients.Select(c => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await c.Client.GetAsync(new Uri($"/v1/services/{c.Service}?metadata_only=False", UriKind.Relative));
                var body = await response.Content.ReadAsByteArrayAsync();
                Interlocked.Increment(ref polls);
                if (response.StatusCode != HttpStatusCode.OK || Array.IndexOf(body, (byte)0) >= 0 || !IsJsonObject(body))
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {body.Length} bytes, {body.Count(b => b == 0)} NUL");
                }
            }
        })).ToList();
        var churn = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                host.Factory.Time.Advance(TimeSpan.FromMilliseconds(200));
                if (n % 20 == 0)
                {
                    await host.Get<ServiceMappingService>().PutAsync(
                        ApiTestHost.Alice, services[n / 20 % 2], new ServiceMappingInput { Credentials = [credential.Item.Id] });
                }

                await Task.Delay(1);
            }
        });
        await Task.WhenAll([.. pollers, churn]);
        foreach (var (client, _) in clients)
        {
            client.Dispose();
        }

        Assert.True(polls > 200, $"only {polls} polls were made");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {polls} bodies were not whole JSON: {string.Join("; ", failures.Take(5))}");
    }

    private static bool IsJsonObject(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("credentials", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
