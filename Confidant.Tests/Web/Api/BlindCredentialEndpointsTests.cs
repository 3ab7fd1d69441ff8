using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.BlindCredentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>The blind credential routes of spec §4.4 (all style P) and the Python client's calls of spec §5.</summary>
public abstract class BlindCredentialEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private static readonly string[] BlindFields =
    [
        "cipher_type", "cipher_version", "credential_keys", "credential_pairs", "data_key", "documentation", "enabled",
        "exposure", "id", "metadata", "modified_by", "modified_date", "name", "revision",
    ];

    private ApiTestHost _host = null!;
    private HttpClient _user = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiTestHost.CreateAsync(backend);
        _user = await _host.UserClientAsync("alice");
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>What confidant-client's create_blind_credential sends (spec §5).</summary>
    private static string ClientCreateBody(string name, string ciphertext = "gAAAAABlb2xk") => """
        {"name": "NAME", "credential_pairs": {"us-east-1": "CIPHERTEXT"}, "data_key": {"us-east-1": "AQIDAHhblob"},
         "metadata": {"context": {"us-east-1": {"from": "alice", "to": "confidant-test"}}}, "cipher_type": "fernet",
         "cipher_version": 2, "enabled": true, "documentation": "rotate in the vault", "credential_keys": ["password"]}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("CIPHERTEXT", ciphertext, StringComparison.Ordinal);

    [Fact]
    public async Task PythonClientCreateBlindCredential_ClientBody_200FullObject()
    {
        var response = await _user.PostWireAsync("/v1/blind_credentials", ClientCreateBody("payments"));

        var json = response.AssertPlain();
        WireResponse.AssertFields(json, BlindFields);
        Assert.Matches("^[0-9a-f]{32}$", json.GetProperty("id").GetString());
        Assert.Equal(1, json.GetProperty("revision").GetInt32());
        Assert.Equal("gAAAAABlb2xk", json.GetProperty("credential_pairs").GetProperty("us-east-1").GetString());
        Assert.Equal("AQIDAHhblob", json.GetProperty("data_key").GetProperty("us-east-1").GetString());
        Assert.Equal("alice", json.GetProperty("metadata").GetProperty("context").GetProperty("us-east-1").GetProperty("from").GetString());
        Assert.Equal("fernet", json.GetProperty("cipher_type").GetString());
        Assert.Equal(2, json.GetProperty("cipher_version").GetInt32());
        Assert.Equal(["password"], json.GetProperty("credential_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("alice", json.GetProperty("modified_by").GetString());
        Assert.Equal("Thu, 15 Jan 2026 12:00:00 GMT", json.GetProperty("modified_date").GetString());
    }

    [Fact]
    public async Task CreateBlindCredential_CipherVersionAsDigitString_Accepted()
    {
        // spec §13.31: the CLI sends an explicit --cipher-version as a JSON string; the original failed with 500.
        var body = ClientCreateBody("payments").Replace("\"cipher_version\": 2", "\"cipher_version\": \"2\"", StringComparison.Ordinal);

        var json = (await _user.PostWireAsync("/v1/blind_credentials", body)).AssertPlain();

        Assert.Equal(2, json.GetProperty("cipher_version").GetInt32());
    }

    [Fact]
    public async Task CreateBlindCredential_MissingFields_400PythonListInSpecOrder()
    {
        var response = await _user.PostWireAsync("/v1/blind_credentials",
            "{\"name\": \"x\", \"cipher_type\": \"fernet\", \"credential_pairs\": {\"us-east-1\": \"c\"}, \"cipher_version\": 0}");

        response.AssertError(HttpStatusCode.BadRequest, "The following fields are required: ['cipher_version', 'data_key']");
    }

    [Fact]
    public async Task CreateBlindCredential_DocumentationEnforcedEmptyBody_AllFiveFieldsListed()
    {
        await using var host = await ApiTestHost.CreateAsync(backend, new Dictionary<string, string?> { ["Credentials:EnforceDocumentation"] = "true" });
        using var user = await host.UserClientAsync("alice");

        var response = await user.PostWireAsync("/v1/blind_credentials", "{}");

        response.AssertError(HttpStatusCode.BadRequest,
            "The following fields are required: ['cipher_version', 'cipher_type', 'credential_pairs', 'data_key', 'documentation']");
    }

    [Theory]
    [InlineData("\"data_key\": {\"us-east-1\": \"AQIDAHhblob\"}", "\"data_key\": \"AQIDAHhblob\"", "data_key must be a dict with a region/key mapping.")]
    [InlineData("\"credential_keys\": [\"password\"]", "\"credential_keys\": \"password\"", "credential_keys must be a list.")]
    [InlineData("\"metadata\": {\"context\"", "\"metadata\": [], \"x\": {\"context\"", "metadata must be a dict")]
    public async Task CreateBlindCredential_WrongFieldType_400WithSpecMessage(string from, string to, string message)
    {
        var body = ClientCreateBody("payments").Replace(from, to, StringComparison.Ordinal);

        var response = await _user.PostWireAsync("/v1/blind_credentials", body);

        response.AssertError(HttpStatusCode.BadRequest, message);
        Assert.Empty(await _host.Get<BlindCredentialService>().ListAsync(ApiTestHost.Alice));
    }

    [Fact]
    public async Task CreateBlindCredential_DuplicateName_409WithReference()
    {
        var id = await CreateAsync("payments");

        var response = await _user.PostWireAsync("/v1/blind_credentials", ClientCreateBody("payments"));

        response.AssertError(HttpStatusCode.Conflict, $"Name already exists. See id: {id}", id);
    }

    [Fact]
    public async Task ListBlindCredentials_Two_ListEntriesAscendingModifiedDate()
    {
        await CreateAsync("zeta");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await CreateAsync("alpha");

        var json = (await _user.GetWireAsync("/v1/blind_credentials")).AssertPlain();

        var items = json.GetProperty("blind_credentials");
        Assert.Equal(["zeta", "alpha"], items.EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        WireResponse.AssertFields(items[0], "documentation", "enabled", "exposure", "id", "modified_by", "modified_date", "name", "revision");
        WireResponse.AssertHttpDate(items[1].GetProperty("modified_date"));
    }

    [Fact]
    public async Task PythonClientGetBlindCredential_CurrentAndRevisionIds_FullObject()
    {
        var id = await CreateAsync("payments");

        var current = (await _user.GetWireAsync($"/v1/blind_credentials/{id}")).AssertPlain();
        var revision = (await _user.GetWireAsync($"/v1/blind_credentials/{id}-1")).AssertPlain();

        WireResponse.AssertFields(current, BlindFields);
        Assert.Equal(id, current.GetProperty("id").GetString());
        Assert.Equal($"{id}-1", revision.GetProperty("id").GetString());
        Assert.Equal("AQIDAHhblob", revision.GetProperty("data_key").GetProperty("us-east-1").GetString());
    }

    [Fact]
    public async Task PythonClientGetBlindCredential_ServiceItIsMappedTo_200FullObject()
    {
        // confidant-client's get_service with blind decryption: read the service, then get_blind_credential for
        // each blind credential it lists (spec §5). The original served any blind credential to any service.
        var id = await CreateAsync("payments");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [id] });
        using var service = await _host.ServiceClientAsync("billing");

        var listed = (await service.GetWireAsync("/v1/services/billing?metadata_only=False")).AssertSchema()
            .GetProperty("blind_credentials")[0].GetProperty("id").GetString();
        var blind = (await service.GetWireAsync($"/v1/blind_credentials/{listed}")).AssertPlain();

        WireResponse.AssertFields(blind, BlindFields);
        Assert.Equal(id, blind.GetProperty("id").GetString());
        Assert.Equal("gAAAAABlb2xk", blind.GetProperty("credential_pairs").GetProperty("us-east-1").GetString());
        Assert.Equal("AQIDAHhblob", blind.GetProperty("data_key").GetProperty("us-east-1").GetString());
    }

    [Fact]
    public async Task GetBlindCredential_ServiceNotMappedOrRevisionId_403()
    {
        var mapped = await CreateAsync("payments");
        var other = await CreateAsync("ledger");
        await _user.PutWireAsync($"/v1/blind_credentials/{mapped}", "{\"documentation\": \"v2\"}");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [mapped] });
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "web", new ServiceMappingInput { BlindCredentials = [other] });
        using var billing = await _host.ServiceClientAsync("billing");

        (await billing.GetWireAsync($"/v1/blind_credentials/{other}")).AssertSomeError(HttpStatusCode.Forbidden);
        (await billing.GetWireAsync($"/v1/blind_credentials/{mapped}-1")).AssertSomeError(HttpStatusCode.Forbidden);
        (await billing.GetWireAsync($"/v1/archive/blind_credentials/{mapped}")).AssertSomeError(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetBlindCredential_MappedButDisabledForService_Bare404()
    {
        // As in the service's own listing, a disabled blind credential is not served to a workload.
        var id = await CreateAsync("payments");
        await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"enabled\": false}");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [id] });
        using var billing = await _host.ServiceClientAsync("billing");

        (await billing.GetWireAsync($"/v1/blind_credentials/{id}")).AssertEmptyNotFound();
    }

    [Fact]
    public async Task GetBlindCredential_AccountScopedServiceOtherAccount_401()
    {
        var id = await CreateAsync("payments");
        await _host.Get<ServiceMappingService>().PutAsync(
            ApiTestHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [id], Account = ApiTestHost.ScopedAccount });
        using var unscoped = await _host.ServiceClientAsync("billing");
        using var scoped = await _host.ServiceClientAsync("billing", ApiTestHost.ScopedKey);

        (await unscoped.GetWireAsync($"/v1/blind_credentials/{id}")).AssertSomeError(HttpStatusCode.Unauthorized);
        Assert.Equal(id, (await scoped.GetWireAsync($"/v1/blind_credentials/{id}")).AssertPlain().GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("CREDENTIAL")]
    public async Task GetBlindCredential_MissingOrOtherType_Bare404(string id)
    {
        if (id == "CREDENTIAL")
        {
            id = (await _host.CreateCredentialAsync("db", ("a", "b"))).Item.Id;
        }

        (await _user.GetWireAsync($"/v1/blind_credentials/{id}")).AssertEmptyNotFound();
    }

    [Fact]
    public async Task PythonClientUpdateBlindCredential_FetchedObjectMinusRevisionFields_200()
    {
        // spec §5: GET, then PUT the fetched object without revision, modified_by and modified_date.
        var id = await CreateAsync("payments");
        var fetched = JsonNode.Parse((await _user.GetWireAsync($"/v1/blind_credentials/{id}")).Body)!.AsObject();
        fetched.Remove("revision");
        fetched.Remove("modified_by");
        fetched.Remove("modified_date");
        fetched["credential_pairs"] = new JsonObject { ["us-east-1"] = "gAAAAABuZXc=" };
        _host.Factory.Time.Advance(TimeSpan.FromMinutes(2));

        var json = (await _user.PutWireAsync($"/v1/blind_credentials/{id}", fetched.ToJsonString())).AssertPlain();

        WireResponse.AssertFields(json, BlindFields);
        Assert.Equal(2, json.GetProperty("revision").GetInt32());
        Assert.Equal("gAAAAABuZXc=", json.GetProperty("credential_pairs").GetProperty("us-east-1").GetString());
        Assert.Equal("payments", json.GetProperty("name").GetString());
        Assert.Equal("Thu, 15 Jan 2026 12:02:00 GMT", json.GetProperty("modified_date").GetString());
    }

    [Fact]
    public async Task UpdateBlindCredential_PairsWithoutDataKey_400AndUnchanged()
    {
        var id = await CreateAsync("payments");

        var response = await _user.PutWireAsync($"/v1/blind_credentials/{id}",
            "{\"credential_pairs\": {\"us-east-1\": \"c2\"}, \"cipher_type\": \"fernet\", \"cipher_version\": 2}");

        response.AssertError(HttpStatusCode.BadRequest, "data_key required when updating credential_pairs.");
        Assert.Equal(1, (await _user.GetWireAsync($"/v1/blind_credentials/{id}")).AssertPlain().GetProperty("revision").GetInt32());
    }

    [Theory]
    [InlineData("{\"enabled\": \"no\"}", HttpStatusCode.BadRequest, "Enabled must be a boolean.")]
    [InlineData("{\"metadata\": 3}", HttpStatusCode.BadRequest, "metadata must be a dict")]
    public async Task UpdateBlindCredential_InvalidField_400(string body, HttpStatusCode status, string message)
    {
        var id = await CreateAsync("payments");

        (await _user.PutWireAsync($"/v1/blind_credentials/{id}", body)).AssertError(status, message);
    }

    [Fact]
    public async Task UpdateBlindCredential_CredentialId_400NotABlindCredential()
    {
        var id = (await _host.CreateCredentialAsync("db", ("a", "b"))).Item.Id;

        (await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"name\": \"x\"}"))
            .AssertError(HttpStatusCode.BadRequest, "id provided is not a blind-credential.");
    }

    [Fact]
    public async Task UpdateBlindCredential_Unknown_404BlindCredentialNotFound()
    {
        (await _user.PutWireAsync("/v1/blind_credentials/0123456789abcdef0123456789abcdef", "{\"name\": \"x\"}"))
            .AssertError(HttpStatusCode.NotFound, "Blind credential not found.");
    }

    [Fact]
    public async Task PythonClientRevertBlindCredential_OlderRevision_200CopyOfTarget()
    {
        var id = await CreateAsync("payments");
        await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"name\": \"payments-v2\"}");

        var json = (await _user.PutWireAsync($"/v1/blind_credentials/{id}/1", null)).AssertPlain();

        WireResponse.AssertFields(json, BlindFields);
        Assert.Equal(3, json.GetProperty("revision").GetInt32());
        Assert.Equal("payments", json.GetProperty("name").GetString());
        Assert.Equal(id, json.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("None", HttpStatusCode.NotFound, "Blind credential not found.")]
    [InlineData("1", HttpStatusCode.BadRequest, "No difference between old and new blind credential.")]
    public async Task RevertBlindCredential_NoneOrIdentical_SpecError(string revision, HttpStatusCode status, string message)
    {
        var id = await CreateAsync("payments");

        (await _user.PutWireAsync($"/v1/blind_credentials/{id}/{revision}", null)).AssertError(status, message);
    }

    [Fact]
    public async Task GetBlindCredentialServices_Mapped_ServiceList()
    {
        var id = await CreateAsync("payments");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [id] });

        var response = await _user.GetWireAsync($"/v1/blind_credentials/{id}/services");
        response.AssertPlain();

        Assert.Equal("{\"services\":[{\"enabled\":true,\"id\":\"billing\"}]}\n", response.Body);
    }

    [Fact]
    public async Task ListBlindCredentialHistory_TwoRevisions_FullObjectsNewestFirst()
    {
        var id = await CreateAsync("payments");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"documentation\": \"v2\"}");

        var json = (await _user.GetWireAsync("/v1/archive/blind_credentials")).AssertPlain();

        var items = json.GetProperty("blind_credentials");
        Assert.Equal([$"{id}-2", $"{id}-1"], items.EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        WireResponse.AssertFields(items[0], BlindFields);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task ListBlindCredentialHistory_Limit_NextPageToken()
    {
        var id = await CreateAsync("payments");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"documentation\": \"v2\"}");

        var first = (await _user.GetWireAsync("/v1/archive/blind_credentials?limit=1")).AssertPlain();
        var token = first.GetProperty("next_page").GetString()!;
        var second = (await _user.GetWireAsync($"/v1/archive/blind_credentials?limit=1&page={Uri.EscapeDataString(token)}")).AssertPlain();

        Assert.Equal($"{id}-2", Assert.Single(first.GetProperty("blind_credentials").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal($"{id}-1", second.GetProperty("blind_credentials")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task ListBlindCredentials_ServiceCaller_403()
    {
        using var service = await _host.ServiceClientAsync("billing");

        (await service.GetWireAsync("/v1/blind_credentials")).AssertSomeError(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListBlindCredentialRevisions_Updated_RealRevisionsNewestFirst()
    {
        // spec §4.4: the original returned copies of the current item; the real revisions are returned here.
        var id = await CreateAsync("payments");
        await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"documentation\": \"v2\"}");

        var json = (await _user.GetWireAsync($"/v1/archive/blind_credentials/{id}")).AssertPlain();

        WireResponse.AssertFields(json, "revisions");
        var revisions = json.GetProperty("revisions");
        Assert.Equal([$"{id}-2", $"{id}-1"], revisions.EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.Equal(["v2", "rotate in the vault"], revisions.EnumerateArray().Select(b => b.GetProperty("documentation").GetString()));
        WireResponse.AssertFields(revisions[1], BlindFields);
    }

    [Fact]
    public async Task ListBlindCredentialRevisions_Missing_Bare404()
    {
        (await _user.GetWireAsync("/v1/archive/blind_credentials/0123456789abcdef0123456789abcdef")).AssertEmptyNotFound();
    }

    [Fact]
    public async Task WriteRoutes_ServiceCaller_403AndNothingChanges()
    {
        // Blind credentials get the ACL check of every other resource: a service may not write them.
        var id = await CreateAsync("payments");
        await _user.PutWireAsync($"/v1/blind_credentials/{id}", "{\"documentation\": \"v2\"}");
        using var service = await _host.ServiceClientAsync("billing");

        var create = await service.PostWireAsync("/v1/blind_credentials", ClientCreateBody("other"));
        var update = await service.PutWireAsync($"/v1/blind_credentials/{id}", "{\"name\": \"stolen\"}");
        var revert = await service.PutWireAsync($"/v1/blind_credentials/{id}/1", null);

        Assert.All([create, update, revert], r => r.AssertSomeError(HttpStatusCode.Forbidden));
        var current = Assert.Single(await _host.Get<BlindCredentialService>().ListAsync(ApiTestHost.Alice));
        Assert.Equal(2, current.Revision);
        Assert.Equal("payments", current.Name);
    }

    private async Task<string> CreateAsync(string name) =>
        (await _user.PostWireAsync("/v1/blind_credentials", ClientCreateBody(name))).AssertPlain().GetProperty("id").GetString()!;
}
