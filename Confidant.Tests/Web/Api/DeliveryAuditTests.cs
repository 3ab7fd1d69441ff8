using System.Net;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// Every REST route that hands out a secret records exactly one delivery per request, before the answer leaves, with
/// the caller's authority and origin (route template, address, user agent, request id); refusals are recorded as
/// denied; and with the audit store failing no value leaves: reads answer 503, writes stand without their echo.
/// </summary>
public sealed class DeliveryAuditTests : IAsyncLifetime
{
    private const string Secret = "s3cret-v2";
    private const string Agent = "confidant-client/6.4 python-requests/2.31";

    private FailingAuditAppends.Switch _audit = null!;
    private ApiTestHost _host = null!;
    private string _credential = null!;
    private string _blind = null!;

    /// <summary>A route that delivers: who calls it, the request, what it records and the value it must not leak.</summary>
    public sealed record Delivery(string Name, string Caller, string Method, string Path, string? Body, string Action, string Route, int Items)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Delivery> Deliveries() =>
    [
        new("service read", "service", "GET", "/v1/services/billing", null, AuditActions.ServiceRead, "GET /v1/services/{id}", 2),
        new("reveal", "person", "GET", "/v1/credentials/{credential}", null, AuditActions.Reveal, "GET /v1/credentials/{id}", 0),
        new("blind read by a person", "person", "GET", "/v1/blind_credentials/{blind}", null, AuditActions.BlindRead, "GET /v1/blind_credentials/{id}", 0),
        new("blind read by its service", "service", "GET", "/v1/blind_credentials/{blind}", null, AuditActions.BlindRead, "GET /v1/blind_credentials/{id}", 0),
        new(
            "update echo", "person", "PUT", "/v1/credentials/{credential}", "{\"credential_pairs\": {\"password\": \"s3cret-v2\"}}",
            AuditActions.UpdateEcho, "PUT /v1/credentials/{id}", 0),
        new(
            "create echo", "person", "POST", "/v1/credentials", "{\"name\": \"cache\", \"credential_pairs\": {\"password\": \"s3cret-v2\"}, \"enabled\": true}",
            AuditActions.UpdateEcho, "POST /v1/credentials", 0),
    ];

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create(configureServices: services => _audit = FailingAuditAppends.DecorateSwitchable(services));
        var credential = await _host.CreateCredentialAsync("db", ("password", "s3cret-v1"));
        _credential = credential.Item.Id;
        await _host.Get<CredentialService>().UpdateAsync(ApiTestHost.Alice, _credential, new CredentialInput { Pairs = TestData.Pairs(("password", Secret)) });
        _blind = (await _host.Get<BlindCredentialService>().CreateAsync(ApiTestHost.Alice, new BlindCredentialInput
        {
            Name = "blind",
            CredentialPairs = TestData.Json("{\"us-east-1\": \"gAAAAABs3cret-v2\"}"),
            DataKey = TestData.Json("{\"us-east-1\": \"AQICAHh=\"}"),
            CipherType = "fernet",
            CipherVersion = 2,
            CredentialKeys = ["api_token"],
        })).Id;
        await _host.Get<ServiceMappingService>().PutAsync(
            ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [_credential], BlindCredentials = [_blind] });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task Delivery_RecordsExactlyOneDeliveryWithTheCallersAuthorityAndOrigin(Delivery delivery)
    {
        using var client = await ClientAsync(delivery.Caller);

        var response = await SendAsync(client, delivery);
        var records = await DeliveriesAsync(delivery.Action);

        Assert.True(response.IsSuccessStatusCode, $"{delivery.Name}: {(int)response.StatusCode}");
        var entry = Assert.Single(records);
        Assert.Equal(AuditOutcomes.Delivered, entry.Outcome);
        Assert.Equal(AuditChannels.Rest, entry.Origin.Channel);
        Assert.Equal(delivery.Route, entry.Origin.Route);
        Assert.Equal("127.0.0.1", entry.Origin.Address);
        Assert.Equal(Agent, entry.Origin.UserAgent);
        Assert.False(string.IsNullOrEmpty(entry.Origin.RequestId));
        var (name, type, method) = delivery.Caller == "service"
            ? ("billing", "service", AuditAuthMethods.KmsAuth)
            : ("alice@example.com", "user", AuditAuthMethods.Development);
        Assert.Equal((name, type, method), (entry.Actor.Name, entry.Actor.Type, entry.Actor.AuthMethod));
        Assert.Equal(delivery.Items, entry.Items.Count);
    }

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task Delivery_AuditStoreFailing_NoValueLeaves_ReadsAnswer503(Delivery delivery)
    {
        using var client = await ClientAsync(delivery.Caller);
        _audit.Failing = true;

        var response = await SendAsync(client, delivery);
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("s3cret", body, StringComparison.Ordinal);
        if (delivery.Action == AuditActions.UpdateEcho)
        {
            // The write stood: it is acknowledged, only the echo of its values is withheld.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(JsonDocument.Parse(body).RootElement.GetProperty("credential_pairs").EnumerateObject());
            return;
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(AuditUnavailableException.DefaultMessage, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0")]
    public async Task GetService_CacheHitsAndMisses_EachRequestRecordsOneDeliveryListingWhatItHandedOut(string cacheSeconds)
    {
        await using var host = ApiTestHost.Create(new Dictionary<string, string?> { ["Api:ServiceResponseCacheSeconds"] = cacheSeconds });
        var credential = await host.CreateCredentialAsync("db", ("password", Secret));
        await host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        using var client = await host.ServiceClientAsync("billing");

        var counts = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains(Secret, await client.GetStringAsync(new Uri("/v1/services/billing", UriKind.Relative)), StringComparison.Ordinal);
            counts.Add((await RestRecordsAsync(host, AuditActions.ServiceRead)).Count);
        }

        Assert.Equal([1, 2, 3], counts);
        var last = (await RestRecordsAsync(host, AuditActions.ServiceRead))[0];
        Assert.Equal(("service", "billing"), (last.ResourceType, last.ResourceId));
        Assert.Equal([new AuditItem("credential", credential.Item.Id, 1)], last.Items);
    }

    [Fact]
    public async Task GetService_CachedAnswer_AuditStoreFailing_503WithoutTheValue()
    {
        using var client = await ClientAsync("service");
        await SendAsync(client, (Delivery)Deliveries().First<object[]>()[0]);
        _audit.Failing = true;

        var response = await client.GetAsync(new Uri("/v1/services/billing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("s3cret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/services/billing", AuditActions.ServiceRead, "billing")]
    [InlineData("/v1/blind_credentials/{blind}", AuditActions.BlindRead, "{blind}")]
    public async Task Delivery_AnotherServiceAsks_DeniedAndRecorded(string path, string action, string resource)
    {
        using var other = await _host.ServiceClientAsync("web");

        var response = await other.GetAsync(new Uri(Fill(path), UriKind.Relative));
        var entry = Assert.Single(await DeliveriesAsync(action, AuditOutcomes.Denied));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(("web", Fill(resource)), (entry.Actor.Name, entry.ResourceId));
        Assert.False(string.IsNullOrEmpty(entry.Detail));
    }

    private static async Task<List<AuditEntry>> RestRecordsAsync(ApiTestHost host, string action, string outcome = AuditOutcomes.Delivered)
    {
        var page = await host.Get<AuditLog>().QueryAsync(new AuditQuery(Limit: 1000) { Action = action, Outcome = outcome });
        return page.Records.Select(r => r.Entry).Where(e => e.Origin.Channel == AuditChannels.Rest).ToList();
    }

    private Task<List<AuditEntry>> DeliveriesAsync(string action, string outcome = AuditOutcomes.Delivered) => RestRecordsAsync(_host, action, outcome);

    private async Task<HttpClient> ClientAsync(string caller)
    {
        var client = caller == "service" ? await _host.ServiceClientAsync("billing") : await _host.SessionClientAsync();
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", Agent);
        return client;
    }

    private Task<HttpResponseMessage> SendAsync(HttpClient client, Delivery delivery) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(delivery.Method), new Uri(Fill(delivery.Path), UriKind.Relative))
        {
            Content = delivery.Body is null ? null : ApiTestHost.Json(delivery.Body),
        });

    private string Fill(string path) => path.Replace("{credential}", _credential, StringComparison.Ordinal).Replace("{blind}", _blind, StringComparison.Ordinal);
}
