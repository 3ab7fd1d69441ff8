using System.Net;
using System.Text.Json;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>/v1/services…, /v1/archive/services…, /v1/grants and /v1/roles over HTTP (spec §4.5, §4.6, §5).</summary>
public abstract class ServiceMappingEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private ApiTestHost _host = null!;
    private HttpClient _user = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiTestHost.CreateAsync(backend, new Dictionary<string, string?>
        {
            ["Iam:Roles:0"] = "web",
            ["Iam:Roles:1"] = "billing",
        });
        _user = await _host.UserClientAsync("alice");
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ListServices_All_SortedByIdCaseInsensitively()
    {
        await PutAsync("beta");
        await PutAsync("Alpha");
        await PutAsync("charlie");

        using var json = await GetJsonAsync("/v1/services");

        Assert.Equal(["Alpha", "beta", "charlie"], Ids(json.RootElement.GetProperty("services")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("next_page").ValueKind);
        var first = json.RootElement.GetProperty("services")[0];
        Assert.Equal(0, first.GetProperty("credentials").GetArrayLength());
        Assert.Empty(first.GetProperty("permissions").EnumerateObject());
    }

    [Fact]
    public async Task ListServices_LimitAndPage_NewestFirstPagesSortedById()
    {
        await PutAsync("zulu");
        await PutAsync("Alpha");
        await PutAsync("mike");

        using var first = await GetJsonAsync("/v1/services?limit=2");
        var token = first.RootElement.GetProperty("next_page").GetString();
        using var second = await GetJsonAsync($"/v1/services?limit=2&page={Uri.EscapeDataString(token!)}");

        // spec §4.10, §13.19: the N most recently modified, then sorted by id.
        Assert.Equal(["Alpha", "mike"], Ids(first.RootElement.GetProperty("services")));
        Assert.Equal(["zulu"], Ids(second.RootElement.GetProperty("services")));
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task ListServices_JunkPage_BadRequest()
    {
        await PutAsync("billing");

        var response = await _user.GetAsync(Relative("/v1/services?limit=1&page=bm90LWpzb24%3D"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"error\":\"Failed to parse page\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetService_MetadataOnlyTrue_KeysWithoutPairsAndMetadataPermission()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await PutAsync("billing", credential.Item.Id);

        using var json = await GetJsonAsync("/v1/services/billing?metadata_only=True");

        var mapped = json.RootElement.GetProperty("credentials")[0];
        Assert.Equal(credential.Item.Id, mapped.GetProperty("id").GetString());
        Assert.Equal(["password"], mapped.GetProperty("credential_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Empty(mapped.GetProperty("credential_pairs").EnumerateObject());
        // spec §3.4: only the evaluated flag is true; update is evaluated for user callers.
        AssertPermissions(json.RootElement, ("metadata", true), ("get", false), ("update", true));
    }

    [Theory]
    [InlineData("?metadata_only=False")]
    [InlineData("?metadata_only=yes")]
    [InlineData("")]
    public async Task GetService_MetadataOnlyNotTrue_PairsAndGetPermission(string query)
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await PutAsync("billing", credential.Item.Id);

        using var json = await GetJsonAsync("/v1/services/billing" + query);

        var pairs = json.RootElement.GetProperty("credentials")[0].GetProperty("credential_pairs");
        Assert.Equal("hunter2", pairs.GetProperty("password").GetString());
        AssertPermissions(json.RootElement, ("metadata", false), ("get", true), ("update", true));
    }

    [Fact]
    public async Task GetService_OwningService_UpdatePermissionNotEvaluated()
    {
        await PutAsync("billing");
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.GetAsync(Relative("/v1/services/billing?metadata_only=False"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPermissions(json.RootElement, ("metadata", false), ("get", true), ("update", false));
    }

    [Fact]
    public async Task GetService_Missing_NotFoundEmptyObject()
    {
        var response = await _user.GetAsync(Relative("/v1/services/nope"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
    }

    [Fact]
    public async Task GetService_RevisionId_NotFound()
    {
        await PutAsync("billing");
        await PutAsync("billing", (await _host.CreateCredentialAsync("db", ("password", "x"))).Item.Id);

        var response = await _user.GetAsync(Relative("/v1/services/billing-1"));

        // Deviation from spec §13.17: a revision record is read at /v1/archive/services/<id>, never expanded here
        // with today's credentials.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
    }

    [Theory]
    [InlineData("False")]
    [InlineData("True")]
    public async Task GetService_WorkloadNamedLikeAnotherServicesRevision_NotFoundAndNoSecrets(string metadataOnly)
    {
        // A workload called "payments-3" passes the ACL for id "payments-3" (name equals id); that id is revision 3
        // of "payments", whose credentials it must never see.
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await PutAsync("payments");
        await PutAsync("payments");
        await PutAsync("payments", credential.Item.Id);
        using var workload = await _host.ServiceClientAsync("payments-3");

        var response = await workload.GetAsync(Relative($"/v1/services/payments-3?metadata_only={metadataOnly}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{}", body.TrimEnd('\n'));
        Assert.DoesNotContain(credential.Item.Id, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/archive/services/payments-3")]
    [InlineData("/v1/services/payments-3/1/2")]
    [InlineData("/v1/grants/payments-3")]
    public async Task OtherIdPaths_WorkloadNamedLikeAnotherServicesRevision_NothingOfThatService(string path)
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await PutAsync("payments", credential.Item.Id);
        await PutAsync("payments");
        await PutAsync("payments", credential.Item.Id);
        using var workload = await _host.ServiceClientAsync("payments-3");

        var response = await workload.GetAsync(Relative(path));
        var body = await response.Content.ReadAsStringAsync();

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(credential.Item.Id, body, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutService_PythonClientBody_ExpandedMetadataOnlyWithAllPermissions()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        var body = $"{{\"id\": \"billing\", \"account\": null, \"enabled\": true, \"credentials\": [\"{credential.Item.Id}\"], \"blind_credentials\": []}}";

        var response = await _user.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(body));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = json.RootElement;
        Assert.Equal("billing", root.GetProperty("id").GetString());
        Assert.Equal(1, root.GetProperty("revision").GetInt32());
        Assert.Equal("alice", root.GetProperty("modified_by").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("account").ValueKind);
        var mapped = root.GetProperty("credentials")[0];
        Assert.Equal(["password"], mapped.GetProperty("credential_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Empty(mapped.GetProperty("credential_pairs").EnumerateObject());
        Assert.DoesNotContain("hunter2", root.GetRawText(), StringComparison.Ordinal);
        AssertPermissions(root, ("create", true), ("metadata", true), ("get", true), ("update", true));
    }

    [Fact]
    public async Task PutService_AddThenRemoveCreds_ReadModifyWriteAsThePythonClient()
    {
        var first = await _host.CreateCredentialAsync("db", ("password", "a"));
        var second = await _host.CreateCredentialAsync("api", ("api_key", "b"));
        await PutAsync("billing", first.Item.Id);

        // spec §5: add_creds = GET then PUT with the sorted unique union; remove_creds = GET then PUT without it.
        await ClientUpdateAsync("billing", ids => [.. ids, second.Item.Id, first.Item.Id]);
        using var added = await GetJsonAsync("/v1/services/billing?metadata_only=True");
        await ClientUpdateAsync("billing", ids => ids.Where(id => id != first.Item.Id));
        using var removed = await GetJsonAsync("/v1/services/billing?metadata_only=True");

        Assert.Equal(2, added.RootElement.GetProperty("revision").GetInt32());
        Assert.Equal(new[] { first.Item.Id, second.Item.Id }.Order(StringComparer.Ordinal), Ids(added.RootElement.GetProperty("credentials")).Order(StringComparer.Ordinal));
        Assert.Equal(3, removed.RootElement.GetProperty("revision").GetInt32());
        Assert.Equal([second.Item.Id], Ids(removed.RootElement.GetProperty("credentials")));
    }

    [Fact]
    public async Task PutService_KeyConflict_BadRequestWithConflicts()
    {
        var first = await _host.CreateCredentialAsync("db", ("password", "a"));
        var second = await _host.CreateCredentialAsync("db2", ("password", "b"));
        var body = $"{{\"credentials\": [\"{first.Item.Id}\", \"{second.Item.Id}\"], \"blind_credentials\": [], \"enabled\": true}}";

        var response = await _user.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(body));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // spec §8.2 variant A.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Conflicting key pairs in mapped service.", json.RootElement.GetProperty("error").GetString());
        var ids = json.RootElement.GetProperty("conflicts").GetProperty("password").GetProperty("credentials").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(new[] { first.Item.Id, second.Item.Id }.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await _user.GetAsync(Relative("/v1/services/billing"))).StatusCode);
    }

    [Fact]
    public async Task PutService_InvalidAccount_BadRequest()
    {
        var response = await _user.PutAsync(
            Relative("/v1/services/billing"),
            ApiTestHost.Json("{\"account\": \"nobody\", \"credentials\": [], \"blind_credentials\": [], \"enabled\": true}"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // spec §4.5, §13.14: the placeholder is not substituted.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{0} is not a valid account.", json.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{\"credentials\": [\"\\udc00\"], \"blind_credentials\": [], \"enabled\": true}")]
    [InlineData("{\"credentials\": [], \"blind_credentials\": [], \"account\": \"\\ud800\", \"enabled\": true}")]
    public async Task PutService_UnreadableString_BadRequestNot500(string body)
    {
        var response = await _user.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"error\":\"request body is not valid JSON\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutService_InvalidUtf8InString_BadRequestNot500()
    {
        using var content = new ByteArrayContent([.. "{\"credentials\": [\""u8, 0xFF, .. "\"], \"enabled\": true}"u8]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await _user.PutAsync(Relative("/v1/services/billing"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _user.GetAsync(Relative("/v1/services/billing"))).StatusCode);
    }

    [Fact]
    public async Task PutService_ValidAccount_Stored()
    {
        var response = await _user.PutAsync(
            Relative("/v1/services/billing"),
            ApiTestHost.Json("{\"account\": \"acct2\", \"credentials\": [], \"blind_credentials\": [], \"enabled\": true}"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acct2", json.RootElement.GetProperty("account").GetString());
    }

    [Fact]
    public async Task ClientAddCreds_AccountScopedService_KeepsTheAccountAndMapsTheCredential()
    {
        // spec §4.5: the valid accounts are the values of SCOPED_AUTH_KEYS, so the account the client writes back holds.
        var credential = await _host.CreateCredentialAsync("db", ("password", "hunter2"));
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Account = ApiTestHost.ScopedAccount });

        await ClientUpdateAsync("billing", ids => ids.Append(credential.Item.Id));

        using var json = await GetJsonAsync("/v1/services/billing?metadata_only=True");
        Assert.Equal(ApiTestHost.ScopedAccount, json.RootElement.GetProperty("account").GetString());
        Assert.Equal([credential.Item.Id], Ids(json.RootElement.GetProperty("credentials")));
    }

    [Fact]
    public async Task RevertService_ToFirstRevision_NewRevisionWithEmptyPermissions()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "a"));
        await PutAsync("billing");
        await PutAsync("billing", credential.Item.Id);

        var response = await _user.PutAsync(Relative("/v1/services/billing/1"), null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, json.RootElement.GetProperty("revision").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("credentials").GetArrayLength());
        Assert.Empty(json.RootElement.GetProperty("permissions").EnumerateObject());
    }

    [Fact]
    public async Task RevertService_NoneRevision_NotFoundEmptyObject()
    {
        await PutAsync("billing");

        var response = await _user.PutAsync(Relative("/v1/services/billing/None"), null);

        // spec §5: the Python client sends the literal "None" without --revision.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
    }

    [Fact]
    public async Task RevertService_SameContent_BadRequest()
    {
        await PutAsync("billing");
        await PutAsync("billing");

        var response = await _user.PutAsync(Relative("/v1/services/billing/1"), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"error\":\"No difference between old and new service.\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffService_TwoRevisions_PlainStyleAddedCredentials()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "a"));
        await PutAsync("billing");
        await PutAsync("billing", credential.Item.Id);

        var response = await _user.GetAsync(Relative("/v1/services/billing/2/1"));
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Equal([credential.Item.Id], json.RootElement.GetProperty("credentials").GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.False(json.RootElement.GetProperty("credentials").TryGetProperty("removed", out _));
        Assert.EndsWith(" GMT", json.RootElement.GetProperty("modified_date").GetProperty("added").GetString(), StringComparison.Ordinal);
        // style P: keys sorted at every level.
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task DiffService_SameRevision_EmptyObject()
    {
        await PutAsync("billing");

        var response = await _user.GetAsync(Relative("/v1/services/billing/1/1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DiffService_MissingOldRevision_NotFoundWithMessage()
    {
        await PutAsync("billing");

        var response = await _user.GetAsync(Relative("/v1/services/billing/1/7"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Service not found.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServiceHistory_Revisions_UnderServicesKey()
    {
        await PutAsync("billing");
        await PutAsync("billing");
        await PutAsync("web");

        using var json = await GetJsonAsync("/v1/archive/services");

        Assert.Equal(["billing-1", "billing-2", "web-1"], Ids(json.RootElement.GetProperty("services")));
    }

    [Fact]
    public async Task ListServiceRevisions_Existing_AscendingWithNullNextPage()
    {
        await PutAsync("billing");
        await PutAsync("billing");

        using var json = await GetJsonAsync("/v1/archive/services/billing");

        Assert.Equal(["billing-1", "billing-2"], Ids(json.RootElement.GetProperty("revisions")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task ListServiceRevisions_Missing_NotFoundEmptyObject()
    {
        var response = await _user.GetAsync(Relative("/v1/archive/services/nope"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
    }

    [Fact]
    public async Task Grants_LocalKeyRing_BothFalse()
    {
        await PutAsync("billing");

        var read = await _user.GetAsync(Relative("/v1/grants/billing"));
        var ensured = await _user.PutAsync(Relative("/v1/grants/billing"), null);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("{\"grants\":{\"decrypt_grant\":false,\"encrypt_grant\":false},\"id\":\"billing\"}\n", await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ensured.StatusCode);
        Assert.Equal("{\"grants\":{\"decrypt_grant\":false,\"encrypt_grant\":false},\"id\":\"billing\"}\n", await ensured.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task Grants_MissingService_BadRequest(string method)
    {
        var response = method == "GET"
            ? await _user.GetAsync(Relative("/v1/grants/nope"))
            : await _user.PutAsync(Relative("/v1/grants/nope"), null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("id provided does not exist.", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task EnsureGrants_OwningService_Forbidden()
    {
        await PutAsync("billing");
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.PutAsync(Relative("/v1/grants/billing"), null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("billing does not have access to ensure grants for service billing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListRoles_User_ConfiguredRolesSorted()
    {
        var response = await _user.GetAsync(Relative("/v1/roles"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"roles\":[\"billing\",\"web\"]}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ListRoles_Service_ForbiddenWithMessage()
    {
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.GetAsync(Relative("/v1/roles"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"error\":\"billing does not have access to list services\"}\n", await response.Content.ReadAsStringAsync());
    }

    private async Task PutAsync(string id, params string[] credentials)
    {
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, id, new ServiceMappingInput { Credentials = credentials });
    }

    /// <summary>confidant-client's add_creds/remove_creds: read the service, then PUT the whole mapping back.</summary>
    private async Task ClientUpdateAsync(string id, Func<IEnumerable<string>, IEnumerable<string>> change)
    {
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        using var current = await GetJsonAsync($"/v1/services/{id}?metadata_only=False");
        var service = current.RootElement;
        var body = new Dictionary<string, object?>
        {
            ["id"] = id,
            ["account"] = service.GetProperty("account").GetString(),
            ["enabled"] = service.GetProperty("enabled").GetBoolean(),
            ["credentials"] = change(Ids(service.GetProperty("credentials"))).Distinct().Order(StringComparer.Ordinal).ToList(),
            ["blind_credentials"] = Ids(service.GetProperty("blind_credentials")).Distinct().Order(StringComparer.Ordinal).ToList(),
        };
        using var content = ApiTestHost.Json(JsonSerializer.Serialize(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"/v1/services/{id}")) { Content = content };
        request.Headers.Accept.ParseAdd("text/plain");
        var response = await _user.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        var response = await _user.GetAsync(Relative(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    private static void AssertPermissions(JsonElement service, params (string Name, bool Value)[] expected)
    {
        var actual = service.GetProperty("permissions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetBoolean());
        Assert.Equal(expected.ToDictionary(e => e.Name, e => e.Value), actual);
    }

    private static List<string> Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();

    private static Uri Relative(string path) => new(path, UriKind.Relative);
}
