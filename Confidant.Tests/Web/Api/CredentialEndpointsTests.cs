using System.Net;
using System.Text.Json;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>The credential routes of spec §4.2 over real HTTP: reads, lists, histories and diffs.</summary>
public abstract partial class CredentialEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private static readonly string[] CredentialFields =
    [
        "id", "name", "revision", "enabled", "documentation", "metadata", "credential_keys", "credential_pairs",
        "modified_date", "modified_by", "permissions", "tags", "last_rotation_date", "next_rotation_date", "exposure",
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

    [Fact]
    public async Task ListCredentials_NoLimit_AllSortedByNameCaseInsensitively()
    {
        await CreateAsync("beta");
        await CreateAsync("Alpha");
        await CreateAsync("charlie");

        var json = (await _user.GetWireAsync("/v1/credentials")).AssertSchema();

        Assert.Equal(["Alpha", "beta", "charlie"], Names(json.GetProperty("credentials")));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("next_page").ValueKind);
        var first = json.GetProperty("credentials")[0];
        WireResponse.AssertFields(first, CredentialFields);
        Assert.Empty(first.GetProperty("credential_pairs").EnumerateObject());
        Assert.Equal(0, first.GetProperty("credential_keys").GetArrayLength());
        Assert.Empty(first.GetProperty("permissions").EnumerateObject());
    }

    [Fact]
    public async Task ListCredentials_Limit_NewestPageSortedByNameThenNextPage()
    {
        // spec §4.2/§13.19: a page holds the most recently modified items, then it is sorted by name.
        await CreateAsync("zulu");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await CreateAsync("Yankee");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await CreateAsync("alpha");

        var first = (await _user.GetWireAsync("/v1/credentials?limit=2")).AssertSchema();
        var token = first.GetProperty("next_page").GetString();
        var second = (await _user.GetWireAsync($"/v1/credentials?limit=2&page={Uri.EscapeDataString(token!)}")).AssertSchema();

        Assert.Equal(["alpha", "Yankee"], Names(first.GetProperty("credentials")));
        Assert.Equal(["zulu"], Names(second.GetProperty("credentials")));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task ListCredentials_LimitNotAnInteger_TreatedAsAbsent()
    {
        await CreateAsync("one");
        await CreateAsync("two");
        await CreateAsync("three");

        var json = (await _user.GetWireAsync("/v1/credentials?limit=two")).AssertSchema();

        Assert.Equal(3, json.GetProperty("credentials").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task ListCredentials_BadPage_400FailedToParsePage()
    {
        await CreateAsync("one");

        var response = await _user.GetWireAsync("/v1/credentials?limit=1&page=bm90LWEtdG9rZW4=");

        response.AssertError(HttpStatusCode.BadRequest, "Failed to parse page");
    }

    [Fact]
    public async Task ListCredentials_BadPageWithoutLimit_400FailedToParsePage()
    {
        // spec §4.2: the page is only used with a limit, but it is still validated.
        var response = await _user.GetWireAsync("/v1/credentials?page=%25%25");

        response.AssertError(HttpStatusCode.BadRequest, "Failed to parse page");
    }

    [Fact]
    public async Task GetCredential_Default_PairsKeysPermissionsAndIsoDates()
    {
        var id = await CreateAsync("db", "{\"Password\": \"hunter2\", \"port\": 5432}");

        var json = (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();

        WireResponse.AssertFields(json, CredentialFields);
        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.Equal(1, json.GetProperty("revision").GetInt32());
        Assert.Equal("hunter2", json.GetProperty("credential_pairs").GetProperty("password").GetString());
        Assert.Equal(5432, json.GetProperty("credential_pairs").GetProperty("port").GetInt32());
        Assert.Equal(["password", "port"], json.GetProperty("credential_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("{\"metadata\": true, \"get\": true, \"update\": true}", json.GetProperty("permissions").GetRawText());
        Assert.Equal("alice", json.GetProperty("modified_by").GetString());

        // The fake clock stands on a whole second: the fraction is omitted (spec §1.2).
        Assert.Equal("2026-01-15T12:00:00+00:00", json.GetProperty("modified_date").GetString());
        WireResponse.AssertIsoDate(json.GetProperty("last_rotation_date"));
    }

    [Fact]
    public async Task GetCredential_MicrosecondsInDate_SixFractionDigits()
    {
        _host.Factory.Time.Advance(TimeSpan.FromTicks(1_234_560));
        var id = await CreateAsync("db");

        var json = (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();

        Assert.Equal("2026-01-15T12:00:00.123456+00:00", json.GetProperty("modified_date").GetString());
    }

    [Theory]
    [InlineData("?metadata_only=True", false)]
    [InlineData("?metadata_only=true", false)]
    [InlineData("?metadata_only=1", false)]
    [InlineData("?metadata_only=False", true)]
    [InlineData("?metadata_only=yes", true)]
    [InlineData("", true)]
    public async Task GetCredential_MetadataOnlyFlag_PairsOnlyWhenFalse(string query, bool pairsShown)
    {
        // spec §1.1: only True, true and 1 are true; keys are listed either way.
        var id = await CreateAsync("db");

        var json = (await _user.GetWireAsync($"/v1/credentials/{id}{query}")).AssertSchema();

        Assert.Equal(pairsShown, json.GetProperty("credential_pairs").TryGetProperty("password", out _));
        Assert.Equal(["password"], json.GetProperty("credential_keys").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task GetCredential_Missing_Bare404()
    {
        var response = await _user.GetWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef");

        response.AssertEmptyNotFound();
    }

    [Fact]
    public async Task GetCredential_MissingOrForbidden_JsonWithSecurityHeaders()
    {
        // spec §1.3: credential routes answer JSON with nosniff and no-referrer, their error bodies included.
        using var service = await _host.ServiceClientAsync("billing");

        var missing = await _user.GetWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef");
        var forbidden = await service.GetWireAsync("/v1/credentials");

        foreach (var response in new[] { missing, forbidden })
        {
            Assert.Equal("application/json", response.Response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", string.Join(",", response.Response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Response.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("default-src 'self'", string.Join(",", response.Response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetCredential_RevisionId_Bare404()
    {
        // spec §13.17: revision items are not readable through the current-item route for credentials.
        var id = await CreateAsync("db");

        var response = await _user.GetWireAsync($"/v1/credentials/{id}-1");

        response.AssertEmptyNotFound();
    }

    [Fact]
    public async Task GetCredential_BlindCredentialId_Bare404()
    {
        // spec §13.18: the original crashed on a cross-type read.
        var blind = await _user.PostWireAsync("/v1/blind_credentials",
            "{\"name\": \"b\", \"credential_pairs\": {\"r\": \"c\"}, \"data_key\": {\"r\": \"k\"}, \"cipher_type\": \"fernet\", \"cipher_version\": 2}");
        var id = blind.AssertPlain().GetProperty("id").GetString();

        (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertEmptyNotFound();
    }

    [Fact]
    public async Task GetCredential_ServiceCaller_403WithReference()
    {
        var id = await CreateAsync("db");
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.GetWireAsync($"/v1/credentials/{id}");

        response.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to credential {id}", id);
    }

    [Fact]
    public async Task ListCredentials_ServiceCaller_403()
    {
        using var service = await _host.ServiceClientAsync("billing");

        (await service.GetWireAsync("/v1/credentials")).AssertError(HttpStatusCode.Forbidden, "billing does not have access to list credentials");
        (await service.GetWireAsync("/v1/archive/credentials")).AssertError(HttpStatusCode.Forbidden, "billing does not have access to list credentials");
    }

    [Fact]
    public async Task GetCredentialServices_Mapped_StylePServiceList()
    {
        var id = await CreateAsync("db");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [id] });
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "web", new ServiceMappingInput { Credentials = [] });

        var response = await _user.GetWireAsync($"/v1/credentials/{id}/services");
        response.AssertPlain();

        Assert.Equal("{\"services\":[{\"enabled\":true,\"id\":\"billing\"}]}\n", response.Body);
    }

    [Fact]
    public async Task GetCredentialServices_ServiceCaller_403WithReference()
    {
        var id = await CreateAsync("db");
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.GetWireAsync($"/v1/credentials/{id}/services");

        response.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to get dependencies for credential {id}", id);
    }

    [Fact]
    public async Task DiffCredential_ChangedPairs_KeysOnlyNeverValues()
    {
        var id = await CreateAsync("db", "{\"password\": \"old-secret\", \"user\": \"app\"}");
        _host.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await Update(id, "{\"credential_pairs\": {\"password\": \"new-secret\", \"user\": \"app\", \"host\": \"db1\"}}");

        var response = await _user.GetWireAsync($"/v1/credentials/{id}/2/1");
        var json = response.AssertPlain();

        Assert.Equal("{\"added\":[\"host\",\"password\"],\"removed\":[\"password\"]}", json.GetProperty("credential_pairs").GetRawText());
        Assert.Equal("Thu, 15 Jan 2026 12:00:00 GMT", json.GetProperty("modified_date").GetProperty("removed").GetString());
        Assert.Equal("Thu, 15 Jan 2026 12:01:00 GMT", json.GetProperty("modified_date").GetProperty("added").GetString());
        Assert.True(json.TryGetProperty("modified_by", out _));
        Assert.DoesNotContain("secret", response.Body, StringComparison.Ordinal);
        Assert.False(json.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task DiffCredential_SameRevision_EmptyObject()
    {
        var id = await CreateAsync("db");

        var response = await _user.GetWireAsync($"/v1/credentials/{id}/1/1");
        response.AssertPlain();

        Assert.Equal("{}\n", response.Body);
    }

    [Fact]
    public async Task DiffCredential_MissingOldRevision_404CredentialNotFound()
    {
        var id = await CreateAsync("db");

        var response = await _user.GetWireAsync($"/v1/credentials/{id}/7/1");

        response.AssertError(HttpStatusCode.NotFound, "Credential not found.");
    }

    [Fact]
    public async Task DiffCredential_MissingNewRevision_Bare404()
    {
        var id = await CreateAsync("db");

        var response = await _user.GetWireAsync($"/v1/credentials/{id}/1/7");

        response.AssertEmptyNotFound();
    }

    [Fact]
    public async Task DiffCredential_ServiceCaller_403WithReference()
    {
        var id = await CreateAsync("db");
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.GetWireAsync($"/v1/credentials/{id}/1/2");

        response.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to diff credential {id}", id);
    }

    [Fact]
    public async Task ListCredentialRevisions_TwoRevisions_AscendingWithNullNextPage()
    {
        var id = await CreateAsync("db");
        await Update(id, "{\"name\": \"db-renamed\"}");

        var json = (await _user.GetWireAsync($"/v1/archive/credentials/{id}")).AssertSchema();

        var revisions = json.GetProperty("revisions");
        Assert.Equal([$"{id}-1", $"{id}-2"], revisions.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal([1, 2], revisions.EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("next_page").ValueKind);
        WireResponse.AssertFields(revisions[0], CredentialFields);
        Assert.Empty(revisions[1].GetProperty("credential_pairs").EnumerateObject());
    }

    [Fact]
    public async Task ListCredentialRevisions_Missing_Bare404()
    {
        (await _user.GetWireAsync("/v1/archive/credentials/0123456789abcdef0123456789abcdef")).AssertEmptyNotFound();
    }

    [Fact]
    public async Task ListCredentialRevisions_ServiceCaller_403()
    {
        var id = await CreateAsync("db");
        using var service = await _host.ServiceClientAsync("billing");

        var response = await service.GetWireAsync($"/v1/archive/credentials/{id}");

        response.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to credential {id} revisions");
    }

    [Fact]
    public async Task ListCredentialHistory_RevisionItems_UnderKeyCredentials()
    {
        var id = await CreateAsync("beta");
        await Update(id, "{\"documentation\": \"v2\"}");
        var other = await CreateAsync("Alpha");

        var json = (await _user.GetWireAsync("/v1/archive/credentials")).AssertSchema();

        Assert.False(json.TryGetProperty("revisions", out _));
        WireResponse.AssertFields(json.GetProperty("credentials")[0], CredentialFields);
        Assert.Empty(json.GetProperty("credentials")[0].GetProperty("permissions").EnumerateObject());
        var ids = json.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Equal($"{other}-1", ids[0]);
        Assert.Equal([$"{id}-1", $"{id}-2"], ids.Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("next_page").ValueKind);
    }

    [Fact]
    public async Task ListCredentialHistory_Limit_NewestFirstPagesWithToken()
    {
        var id = await CreateAsync("db");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await Update(id, "{\"documentation\": \"v2\"}");
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await Update(id, "{\"documentation\": \"v3\"}");

        var first = (await _user.GetWireAsync("/v1/archive/credentials?limit=2")).AssertSchema();
        var token = first.GetProperty("next_page").GetString()!;
        var second = (await _user.GetWireAsync($"/v1/archive/credentials?limit=2&page={Uri.EscapeDataString(token)}")).AssertSchema();

        Assert.Equal([$"{id}-2", $"{id}-3"], first.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal([$"{id}-1"], second.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_page").ValueKind);
    }

    private async Task<string> CreateAsync(string name, string pairs = "{\"password\": \"hunter2\"}")
    {
        var response = await _user.PostWireAsync("/v1/credentials", $"{{\"name\": \"{name}\", \"credential_pairs\": {pairs}, \"documentation\": \"doc\"}}");
        return response.AssertSchema().GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> Update(string id, string body) =>
        (await _user.PutWireAsync($"/v1/credentials/{id}", body)).AssertSchema();

    private static List<string?> Names(JsonElement items) =>
        items.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
}
