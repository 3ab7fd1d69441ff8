using System.Net;
using System.Text;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>Create, update, revert and archive of credentials (spec §4.2), and the Python client's calls (spec §5).</summary>
public abstract partial class CredentialEndpointsTests
{
    [Fact]
    public async Task CreateCredential_Valid_200WithKeysPairsAllPermissions()
    {
        var response = await _user.PostWireAsync("/v1/credentials",
            "{\"name\": \"db\", \"credential_pairs\": {\"Password\": \"hunter2\"}, \"metadata\": {\"team\": \"pay\"}, \"tags\": [\"pci\"]}");

        var json = response.AssertSchema();

        WireResponse.AssertFields(json, CredentialFields);
        Assert.Matches("^[0-9a-f]{32}$", json.GetProperty("id").GetString());
        Assert.Equal(1, json.GetProperty("revision").GetInt32());
        Assert.True(json.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("documentation").ValueKind);
        Assert.Equal("pay", json.GetProperty("metadata").GetProperty("team").GetString());
        Assert.Equal("hunter2", json.GetProperty("credential_pairs").GetProperty("password").GetString());
        Assert.Equal(["pci"], json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("{\"metadata\": true, \"get\": true, \"update\": true}", json.GetProperty("permissions").GetRawText());
        Assert.Equal("2026-01-15T12:00:00+00:00", json.GetProperty("last_rotation_date").GetString());
    }

    [Fact]
    public async Task CreateCredential_NameTaken_409WithReference()
    {
        var id = await CreateAsync("db");

        var response = await _user.PostWireAsync("/v1/credentials", "{\"name\": \"db\", \"credential_pairs\": {\"a\": \"b\"}}");

        response.AssertError(HttpStatusCode.Conflict, $"Name already exists. See id: {id}", id);
    }

    [Theory]
    [InlineData("{\"name\": \"db\"}", "credential_pairs is a required field")]
    [InlineData("{\"credential_pairs\": {\"a\": \"b\"}}", "name is a required field")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {}}", "credential_pairs is a required field")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a\": {\"nested\": 1}}}", "credential pairs must be key: value")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a\": [1]}}", "credential pairs must be key: value")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a b\": \"c\"}}", "credential key must not contain whitespace")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a\": \"b\"}, \"metadata\": [1]}", "metadata must be a dict")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a\": \"b\"}, \"metadata\": null}", "metadata must be a dict")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a\": \"b\"}, \"enabled\": \"yes\"}", "Enabled must be a boolean.")]
    public async Task CreateCredential_InvalidBody_400WithSpecMessage(string body, string message)
    {
        var response = await _user.PostWireAsync("/v1/credentials", body);

        response.AssertError(HttpStatusCode.BadRequest, message);
        await AssertNoCredentialsAsync();
    }

    [Theory]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"Key\": \"1\", \"key\": \"2\"}}")]
    [InlineData("{\"name\": \"db\", \"credential_pairs\": {\"a\": \"b\"")]
    [InlineData("[\"name\", \"db\"]")]
    [InlineData("")]
    public async Task CreateCredential_DuplicateKeysMalformedOrNotAnObject_400(string body)
    {
        var response = await _user.PostWireAsync("/v1/credentials", body);

        response.AssertSomeError(HttpStatusCode.BadRequest);
        await AssertNoCredentialsAsync();
    }

    [Fact]
    public async Task CreateCredential_NonJsonContentType_400()
    {
        // spec §1.1: the original crashed (500) on a body it did not parse; a client error is a 400.
        using var content = new StringContent("{\"name\": \"db\", \"credential_pairs\": {\"a\": \"b\"}}", Encoding.UTF8, "text/plain");

        var response = await WireRequests.SendAsync(_user, HttpMethod.Post, "/v1/credentials", content);

        response.AssertSomeError(HttpStatusCode.BadRequest);
        await AssertNoCredentialsAsync();
    }

    [Fact]
    public async Task CreateCredential_OversizeBody_400()
    {
        var big = new string('x', 1024 * 1024);

        var response = await _user.PostWireAsync("/v1/credentials", $"{{\"name\": \"db\", \"credential_pairs\": {{\"a\": \"{big}\"}}}}");

        response.AssertSomeError(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("xxxx", response.Body, StringComparison.Ordinal);
        await AssertNoCredentialsAsync();
    }

    [Fact]
    public async Task CreateCredential_DocumentationEnforcedAndMissing_400BeforePairsCheck()
    {
        // spec §4.2: documentation is checked first, before credential_pairs.
        await using var host = await ApiTestHost.CreateAsync(backend, new Dictionary<string, string?> { ["Credentials:EnforceDocumentation"] = "true" });
        using var user = await host.UserClientAsync("alice");

        var response = await user.PostWireAsync("/v1/credentials", "{\"name\": \"db\"}");

        response.AssertError(HttpStatusCode.BadRequest, "documentation is a required field");
    }

    [Fact]
    public async Task UpdateCredential_WithoutPairs_KeepsPairsNewRevision()
    {
        // spec §13.10: the original crashed without credential_pairs; the stored pairs are kept.
        var id = await CreateAsync("db", "{\"password\": \"hunter2\"}");
        _host.Factory.Time.Advance(TimeSpan.FromMinutes(2));

        var json = await Update(id, "{\"name\": \"db2\", \"enabled\": false, \"metadata\": {\"a\": 1}}");

        WireResponse.AssertFields(json, CredentialFields);
        Assert.Equal(2, json.GetProperty("revision").GetInt32());
        Assert.Equal("db2", json.GetProperty("name").GetString());
        Assert.False(json.GetProperty("enabled").GetBoolean());
        Assert.Equal(["password"], json.GetProperty("credential_keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("{\"metadata\": true, \"get\": true, \"update\": true}", json.GetProperty("permissions").GetRawText());
        Assert.Equal("2026-01-15T12:00:00+00:00", json.GetProperty("last_rotation_date").GetString());
        Assert.Equal("2026-01-15T12:02:00+00:00", json.GetProperty("modified_date").GetString());
    }

    [Fact]
    public async Task UpdateCredential_WithoutPairs_AnswersNoValuesAndRecordsNoReveal()
    {
        // An update that sent no pairs must not hand back the stored ones: that would be a reveal recorded only as
        // an update, and a leak for an ACL that allows update but not get.
        var id = await CreateAsync("db", "{\"password\": \"hunter2\"}");

        var response = await _user.PutWireAsync($"/v1/credentials/{id}", "{\"documentation\": \"rotate yearly\"}");

        var json = response.AssertSchema();
        Assert.Empty(json.GetProperty("credential_pairs").EnumerateObject());
        Assert.DoesNotContain("hunter2", response.Body, StringComparison.Ordinal);
        var audit = await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: id));
        Assert.Contains(audit.Records, r => r.Entry.Action == AuditActions.Update);
        Assert.DoesNotContain(audit.Records, r => r.Entry.Action == AuditActions.Reveal);
    }

    [Fact]
    public async Task UpdateCredential_NewPairs_RotationDateMoves()
    {
        var id = await CreateAsync("db", "{\"password\": \"hunter2\"}");
        _host.Factory.Time.Advance(TimeSpan.FromMinutes(2));

        var json = await Update(id, "{\"credential_pairs\": {\"password\": \"rotated\"}}");

        Assert.Equal("rotated", json.GetProperty("credential_pairs").GetProperty("password").GetString());
        Assert.Equal("2026-01-15T12:02:00+00:00", json.GetProperty("last_rotation_date").GetString());
    }

    [Theory]
    [InlineData("{\"enabled\": \"false\"}", "Enabled must be a boolean.")]
    [InlineData("{\"enabled\": 0}", "Enabled must be a boolean.")]
    [InlineData("{\"metadata\": \"x\"}", "metadata must be a dict")]
    [InlineData("{\"credential_pairs\": {}}", "Credential Pairs cannot be empty.")]
    [InlineData("{\"credential_pairs\": {\"a\\tb\": \"c\"}}", "credential key must not contain whitespace")]
    public async Task UpdateCredential_InvalidBody_400AndUnchanged(string body, string message)
    {
        var id = await CreateAsync("db");

        var response = await _user.PutWireAsync($"/v1/credentials/{id}", body);

        response.AssertError(HttpStatusCode.BadRequest, message);
        Assert.Equal(1, (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema().GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task UpdateCredential_RenameToTakenName_409WithReference()
    {
        var taken = await CreateAsync("db");
        var id = await CreateAsync("cache");

        var response = await _user.PutWireAsync($"/v1/credentials/{id}", "{\"name\": \"db\"}");

        response.AssertError(HttpStatusCode.Conflict, $"Name already exists. See id: {taken}", taken);
    }

    [Fact]
    public async Task UpdateCredential_Unknown_404CredentialNotFound()
    {
        var response = await _user.PutWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef", "{\"name\": \"x\"}");

        response.AssertError(HttpStatusCode.NotFound, "Credential not found.");
    }

    [Fact]
    public async Task UpdateCredential_BlindCredentialId_400NotACredential()
    {
        var blind = await _user.PostWireAsync("/v1/blind_credentials",
            "{\"name\": \"b\", \"credential_pairs\": {\"r\": \"c\"}, \"data_key\": {\"r\": \"k\"}, \"cipher_type\": \"fernet\", \"cipher_version\": 2}");
        var id = blind.AssertPlain().GetProperty("id").GetString()!;

        var response = await _user.PutWireAsync($"/v1/credentials/{id}", "{\"name\": \"x\"}");

        response.AssertError(HttpStatusCode.BadRequest, "id provided is not a credential.");
    }

    [Fact]
    public async Task UpdateCredential_KeyHeldByAnotherMappedCredential_400Conflicts()
    {
        // spec §8.2 variant B: the conflict names the key, the other credential and the service, never values.
        var db = await CreateAsync("db", "{\"password\": \"hunter2\"}");
        var cache = await CreateAsync("cache", "{\"host\": \"redis\"}");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [db, cache] });

        var response = await _user.PutWireAsync($"/v1/credentials/{cache}", "{\"credential_pairs\": {\"password\": \"other\"}}");

        response.AssertError(HttpStatusCode.BadRequest, "Conflicting key pairs in mapped service.");
        var conflict = response.Json.GetProperty("conflicts").GetProperty("password");
        Assert.Equal([db], conflict.GetProperty("credentials").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["billing"], conflict.GetProperty("services").EnumerateArray().Select(c => c.GetString()));
        Assert.DoesNotContain("hunter2", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevertCredential_OlderRevision_NewRevisionWithoutPairsEmptyPermissions()
    {
        var id = await CreateAsync("db", "{\"password\": \"one\"}");
        await Update(id, "{\"credential_pairs\": {\"password\": \"two\"}}");

        var json = (await _user.PutWireAsync($"/v1/credentials/{id}/1", null)).AssertSchema();

        WireResponse.AssertFields(json, CredentialFields);
        Assert.Equal(3, json.GetProperty("revision").GetInt32());
        Assert.Empty(json.GetProperty("credential_pairs").EnumerateObject());
        Assert.Equal(0, json.GetProperty("credential_keys").GetArrayLength());
        Assert.Empty(json.GetProperty("permissions").EnumerateObject());
        var current = (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        Assert.Equal("one", current.GetProperty("credential_pairs").GetProperty("password").GetString());
    }

    [Theory]
    [InlineData("None")]
    [InlineData("9")]
    public async Task RevertCredential_NoneOrMissingRevision_Bare404(string revision)
    {
        // spec §4.2: the Python CLI sends the literal None when no revision is given.
        var id = await CreateAsync("db");

        (await _user.PutWireAsync($"/v1/credentials/{id}/{revision}", null)).AssertEmptyNotFound();
    }

    [Fact]
    public async Task RevertCredential_IdenticalRevision_400NoDifference()
    {
        var id = await CreateAsync("db");

        var response = await _user.PutWireAsync($"/v1/credentials/{id}/1", null);

        response.AssertError(HttpStatusCode.BadRequest, "No difference between old and new credential.");
    }

    [Fact]
    public async Task RevertCredential_UnknownCredential_404CredentialNotFound()
    {
        var response = await _user.PutWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef/1", null);

        response.AssertError(HttpStatusCode.NotFound, "Credential not found.");
    }

    [Fact]
    public async Task ArchiveCredential_Enabled_400StillEnabled()
    {
        var id = await CreateAsync("db");

        (await _user.PostWireAsync($"/v1/credentials/{id}/archive", null)).AssertError(HttpStatusCode.BadRequest, "Credential still enabled");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("{\"force\": false}")]
    public async Task ArchiveCredential_ForceMissingOrFalse_DryRunKeepsCredential(string? body)
    {
        var id = await CreateAsync("db");
        await Update(id, "{\"enabled\": false}");

        var response = await _user.PostWireAsync($"/v1/credentials/{id}/archive", body);

        response.AssertPlain();
        Assert.Equal("{\"result\":\"dry-run success\"}\n", response.Body);
        (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
    }

    [Fact]
    public async Task ArchiveCredential_NonJsonBody_TreatedAsEmptyDryRun()
    {
        // spec §1.1: the archive action tolerated a body it did not parse; it counts as {} (force false).
        var id = await CreateAsync("db");
        await Update(id, "{\"enabled\": false}");
        using var content = new StringContent("{\"force\": true}", Encoding.UTF8, "text/plain");

        var response = await WireRequests.SendAsync(_user, HttpMethod.Post, $"/v1/credentials/{id}/archive", content);

        response.AssertPlain();
        Assert.Equal("{\"result\":\"dry-run success\"}\n", response.Body);
        (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
    }

    [Fact]
    public async Task ArchiveCredential_ForceTrue_SuccessAndGone()
    {
        var id = await CreateAsync("db");
        await Update(id, "{\"enabled\": false}");

        var response = await _user.PostWireAsync($"/v1/credentials/{id}/archive", "{\"force\": true}");

        response.AssertPlain();
        Assert.Equal("{\"result\":\"success\"}\n", response.Body);
        (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertEmptyNotFound();
    }

    [Fact]
    public async Task ArchiveCredential_ForceNotBool_400()
    {
        var id = await CreateAsync("db");
        await Update(id, "{\"enabled\": false}");

        (await _user.PostWireAsync($"/v1/credentials/{id}/archive", "{\"force\": \"yes\"}")).AssertError(HttpStatusCode.BadRequest, "force must be a boolean.");
    }

    [Fact]
    public async Task ArchiveCredential_Mapped_400HasMappedServices()
    {
        var id = await CreateAsync("db");
        await Update(id, "{\"enabled\": false}");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [id] });

        var response = await _user.PostWireAsync($"/v1/credentials/{id}/archive", "{\"force\": true}");

        response.AssertError(HttpStatusCode.BadRequest, "Credential has mapped services");
        (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
    }

    [Fact]
    public async Task ArchiveCredential_Unknown_404CredentialNotFound()
    {
        (await _user.PostWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef/archive", null))
            .AssertError(HttpStatusCode.NotFound, "Credential not found.");
    }

    [Fact]
    public async Task WriteRoutes_ServiceCaller_403AndNothingChanges()
    {
        // spec §3.3: a service may not create, update, revert or archive credentials.
        var id = await CreateAsync("db", "{\"password\": \"one\"}");
        await Update(id, "{\"credential_pairs\": {\"password\": \"two\"}, \"enabled\": false}");
        using var service = await _host.ServiceClientAsync("billing");

        var create = await service.PostWireAsync("/v1/credentials", "{\"name\": \"new\", \"credential_pairs\": {\"a\": \"b\"}}");
        var update = await service.PutWireAsync($"/v1/credentials/{id}", "{\"credential_pairs\": {\"password\": \"x\"}}");
        var revert = await service.PutWireAsync($"/v1/credentials/{id}/1", null);
        var archive = await service.PostWireAsync($"/v1/credentials/{id}/archive", "{\"force\": true}");

        create.AssertError(HttpStatusCode.Forbidden, "billingdoes not have access to create credentials");
        update.AssertError(HttpStatusCode.Forbidden, $"billingdoes not have access to update credential {id}", id);
        revert.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to revert credential {id}", id);
        archive.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to archive credential {id}", id);
        var all = (await _user.GetWireAsync("/v1/credentials")).AssertSchema().GetProperty("credentials");
        var only = Assert.Single(all.EnumerateArray());
        Assert.Equal(2, only.GetProperty("revision").GetInt32());
        var current = (await _user.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        Assert.Equal("two", current.GetProperty("credential_pairs").GetProperty("password").GetString());
    }

    [Fact]
    public async Task PythonClientUpdateCredential_GetThenPutTruthyFields_200()
    {
        // spec §5 update_credential: GET, then PUT credential_pairs plus name/metadata/documentation/enabled if truthy.
        var id = await CreateAsync("db", "{\"password\": \"hunter2\"}");
        var fetched = (await _user.GetWireAsync($"/v1/credentials/{id}?metadata_only=False")).AssertSchema();
        var pairs = fetched.GetProperty("credential_pairs").GetRawText();

        var response = await _user.PutWireAsync($"/v1/credentials/{id}",
            $"{{\"credential_pairs\": {pairs}, \"name\": \"db-primary\", \"documentation\": \"rotate monthly\", \"enabled\": true}}");

        var json = response.AssertSchema();
        Assert.Equal("db-primary", json.GetProperty("name").GetString());
        Assert.Equal("rotate monthly", json.GetProperty("documentation").GetString());
        Assert.Equal(2, json.GetProperty("revision").GetInt32());
        Assert.Equal("hunter2", json.GetProperty("credential_pairs").GetProperty("password").GetString());
    }

    [Fact]
    public async Task PythonClientRevertCredential_NoBody_200()
    {
        // spec §5 revert_credential: PUT /v1/credentials/<id>/<revision> without a body.
        var id = await CreateAsync("db");
        await Update(id, "{\"name\": \"db2\"}");

        var json = (await _user.PutWireAsync($"/v1/credentials/{id}/1", null)).AssertSchema();

        Assert.Equal("db", json.GetProperty("name").GetString());
        Assert.Equal(3, json.GetProperty("revision").GetInt32());
    }

    private async Task AssertNoCredentialsAsync()
    {
        var page = await _host.Get<CredentialReader>().ListAsync(ApiTestHost.Alice);
        Assert.Empty(page.Items);
    }
}
