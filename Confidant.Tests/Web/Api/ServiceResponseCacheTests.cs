using System.Net;
using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Services.Storage.Sqlite;
using Confidant.Tests.Support;

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
}
