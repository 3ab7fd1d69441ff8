using System.Net;
using System.Text.Json;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

public sealed class ApiSmokeTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetService_OwningServiceWithToken_ReadsItsSecrets()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        using var client = await _host.ServiceClientAsync("billing");

        var response = await client.GetAsync(new Uri("/v1/services/billing?metadata_only=False", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var pairs = json.RootElement.GetProperty("credentials")[0].GetProperty("credential_pairs");
        Assert.Equal("hunter2", pairs.GetProperty("password").GetString());
        Assert.Equal("billing", json.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task GetService_AnotherService_Forbidden()
    {
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput());
        using var client = await _host.ServiceClientAsync("web");

        var response = await client.GetAsync(new Uri("/v1/services/billing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"error\":\"web does not have access to get service billing\",\"reference\":\"billing\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateCredential_SessionUserWithXsrf_Succeeds_WithoutXsrf_Unauthorized()
    {
        using var session = await _host.SessionClientAsync();
        using var body = ApiTestHost.Json("{\"name\": \"db\", \"credential_pairs\": {\"password\": \"x\"}}");

        var created = await session.PostAsync(new Uri("/v1/credentials", UriKind.Relative), body);
        session.DefaultRequestHeaders.Remove("X-XSRF-TOKEN");
        using var second = ApiTestHost.Json("{\"name\": \"db2\", \"credential_pairs\": {\"password\": \"x\"}}");
        var refused = await session.PostAsync(new Uri("/v1/credentials", UriKind.Relative), second);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task AnyRoute_Anonymous_Unauthorized()
    {
        using var client = _host.AnonymousClient();

        var response = await client.GetAsync(new Uri("/v1/credentials", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
