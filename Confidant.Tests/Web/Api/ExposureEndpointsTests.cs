using System.Net;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// The exposure routes over real HTTP: marking a credential, a blind credential or a service's credentials, the blast
/// radius from real reads, the added <c>exposure</c> field, the recovery rules as 400s, incidents, and bad input.
/// </summary>
public abstract class ExposureEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private static readonly string[] MarkFields =
    [
        "id", "resource_type", "resource_id", "incident", "reason", "from_revision", "to_revision", "service_id", "marked_by",
        "marked_at", "active", "keys", "pending", "rotated", "cleared_at", "cleared_by", "cleared_revision",
    ];

    private ApiTestHost _host = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiTestHost.CreateAsync(backend);
        _admin = await _host.UserClientAsync("alice");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task PostCredentialExposure_Valid_MarkAndTheExposureFieldWhereverTheCredentialAppears()
    {
        var id = await CreateAsync("db", "hunter2");
        await MapAsync("web", id);

        var json = (await _admin.PostWireAsync($"/v1/credentials/{id}/exposure", "{\"reason\": \"pasted in chat\", \"incident\": \"INC-1\"}")).AssertSchema();

        var mark = Assert.Single(json.GetProperty("marks").EnumerateArray());
        WireResponse.AssertFields(mark, MarkFields);
        Assert.StartsWith("exposure/", mark.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(("credential", id, "INC-1", "pasted in chat"), (Str(mark, "resource_type"), Str(mark, "resource_id"), Str(mark, "incident"), Str(mark, "reason")));
        Assert.Equal((1, 1, true), (mark.GetProperty("from_revision").GetInt32(), mark.GetProperty("to_revision").GetInt32(), mark.GetProperty("active").GetBoolean()));
        Assert.Equal(["password"], Strings(mark.GetProperty("pending")));
        WireResponse.AssertIsoDate(mark.GetProperty("marked_at"));
        Assert.DoesNotContain("hunter2", json.GetRawText(), StringComparison.Ordinal);

        var credential = (await _admin.GetWireAsync($"/v1/credentials/{id}?metadata_only=true")).AssertSchema();
        AssertExposure(credential.GetProperty("exposure"), "password");
        var listed = (await _admin.GetWireAsync("/v1/credentials")).AssertSchema().GetProperty("credentials")[0];
        AssertExposure(listed.GetProperty("exposure"), "password");
        var revisions = (await _admin.GetWireAsync($"/v1/archive/credentials/{id}")).AssertSchema().GetProperty("revisions");
        Assert.Equal(["INC-1"], Strings(revisions[0].GetProperty("exposure").GetProperty("incidents")));
        using var workload = await _host.ServiceClientAsync("web");
        var service = (await workload.GetWireAsync("/v1/services/web")).AssertSchema();
        Assert.Equal([id], Strings(service.GetProperty("exposure").GetProperty("credentials")));
        AssertExposure(service.GetProperty("credentials")[0].GetProperty("exposure"), "password");
    }

    [Fact]
    public async Task GetCredentialExposure_AfterRealReads_BlastRadiusWithServicesPrincipalsAndDuplicates()
    {
        var id = await CreateAsync("db", "hunter2");
        var copy = await CreateAsync("copy", "hunter2");
        await MapAsync("web", id);
        using (var workload = await _host.ServiceClientAsync("web"))
        {
            (await workload.GetWireAsync("/v1/services/web?metadata_only=False")).AssertSchema();
        }

        using var bob = await _host.UserClientAsync("bob");
        (await bob.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        (await _admin.PostWireAsync($"/v1/credentials/{id}/exposure", "{\"reason\": \"r\", \"incident\": \"INC-1\", \"revision\": 1}")).AssertSchema();

        var json = (await _admin.GetWireAsync($"/v1/credentials/{id}/exposure")).AssertSchema();

        WireResponse.AssertFields(json, "resource_type", "resource_id", "name", "marks", "blast_radius");
        Assert.Equal(["password"], Strings(json.GetProperty("marks")[0].GetProperty("pending")));
        var radius = json.GetProperty("blast_radius");
        WireResponse.AssertFields(radius, "services_now", "services_at_exposure", "principals", "duplicates", "not_fingerprinted");
        Assert.Equal("[{\"id\": \"web\", \"enabled\": true}]", radius.GetProperty("services_now").GetRawText());
        Assert.Equal("[{\"id\": \"web\", \"revisions\": [1]}]", radius.GetProperty("services_at_exposure").GetRawText());
        // The creator got the value back from the create (a recorded echo), Bob revealed it, the workload read it.
        Assert.Equal(["alice@example.com", "bob", "web"], radius.GetProperty("principals").EnumerateArray().Select(p => Str(p, "actor_name")).Order(StringComparer.Ordinal));
        var duplicate = Assert.Single(radius.GetProperty("duplicates").EnumerateArray());
        Assert.Equal((copy, "copy"), (Str(duplicate, "credential_id"), Str(duplicate, "name")));
        Assert.Equal(0, radius.GetProperty("not_fingerprinted").GetInt32());
    }

    [Fact]
    public async Task RevertAndReuse_OfAnExposedRevisionAndValue_400AndNothingChanged()
    {
        var id = await CreateAsync("db", "hunter2");
        (await _admin.PutWireAsync($"/v1/credentials/{id}", "{\"credential_pairs\": {\"password\": \"fresh\"}}")).AssertSchema();
        (await _admin.PostWireAsync($"/v1/credentials/{id}/exposure", "{\"reason\": \"r\", \"incident\": \"INC-1\", \"revision\": 1}")).AssertSchema();

        var revert = await _admin.PutWireAsync($"/v1/credentials/{id}/1", null);
        var reuse = await _admin.PutWireAsync($"/v1/credentials/{id}", "{\"credential_pairs\": {\"password\": \"hunter2\"}}");
        var create = await _admin.PostWireAsync("/v1/credentials", "{\"name\": \"again\", \"credential_pairs\": {\"token\": \"hunter2\"}}");

        revert.AssertError(HttpStatusCode.BadRequest, $"Revision 1 of credential {id} was exposed (incident INC-1); it cannot be reverted to. Write new values instead.", id);
        reuse.AssertError(HttpStatusCode.BadRequest, "The value of credential key 'password' was exposed (incident INC-1); write a new value.", id);
        create.AssertError(HttpStatusCode.BadRequest, "The value of credential key 'token' was exposed (incident INC-1); write a new value.");
        Assert.Equal(2, (await _admin.GetWireAsync($"/v1/credentials/{id}")).AssertSchema().GetProperty("revision").GetInt32());
        Assert.Single((await _admin.GetWireAsync("/v1/credentials")).AssertSchema().GetProperty("credentials").EnumerateArray());
    }

    [Theory]
    [InlineData("", "a JSON object request body is required")]
    [InlineData("[1]", "request body must be a JSON object")]
    [InlineData("{\"incident\": \"INC-1\"}", "reason is a required field")]
    [InlineData("{\"reason\": 5, \"incident\": \"INC-1\"}", "reason must be a string")]
    [InlineData("{\"reason\": \"r\"}", "incident is a required field")]
    [InlineData("{\"reason\": \"r\", \"incident\": \"../etc\"}", "incident must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")]
    [InlineData("{\"reason\": \"r\", \"incident\": \"INC-1\", \"revision\": \"1\"}", "revision must be a positive integer")]
    [InlineData("{\"reason\": \"r\", \"incident\": \"INC-1\", \"revision\": 1.5}", "revision must be a positive integer")]
    [InlineData("{\"reason\": \"r\", \"incident\": \"INC-1\", \"revision\": 0}", "revision must be a positive integer")]
    [InlineData("{\"reason\": \"r\", \"incident\": \"INC-1\", \"revision\": 2}", "Credential {id} has no revision 2; its current revision is 1.")]
    public async Task PostCredentialExposure_BadInput_400AndNothingMarked(string body, string message)
    {
        var id = await CreateAsync("db", "hunter2");

        var response = await WireRequests.SendAsync(_admin, HttpMethod.Post, $"/v1/credentials/{id}/exposure", body.Length == 0 ? null : WireRequests.ClientJson(body));

        response.AssertError(HttpStatusCode.BadRequest, message.Replace("{id}", id, StringComparison.Ordinal));
        await AssertNothingMarkedAsync(id);
    }

    [Fact]
    public async Task PostExposure_UnknownResourcesAndForbiddenCallers_DocumentedErrorsAndNothingMarked()
    {
        var id = await CreateAsync("db", "hunter2");
        await MapAsync("web", id);
        const string Body = "{\"reason\": \"r\", \"incident\": \"INC-1\"}";
        using var editor = await _host.SessionClientAsync("eve@example.com", ConfidantRoles.Editor);
        using var workload = await _host.ServiceClientAsync("web");

        (await _admin.PostWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef/exposure", Body))
            .AssertError(HttpStatusCode.NotFound, "Credential not found.", "0123456789abcdef0123456789abcdef");
        (await _admin.PostWireAsync("/v1/services/nobody/exposure", Body)).AssertError(HttpStatusCode.NotFound, "Service not found.", "nobody");
        (await editor.PostWireAsync($"/v1/credentials/{id}/exposure", Body))
            .AssertError(HttpStatusCode.Forbidden, $"eve@example.com does not have access to mark credential {id} exposed", id);
        (await workload.PostWireAsync("/v1/services/web/exposure", Body)).AssertError(HttpStatusCode.Forbidden, "web does not have access to mark service web exposed", "web");
        (await workload.GetWireAsync($"/v1/credentials/{id}/exposure")).AssertSomeError(HttpStatusCode.Forbidden);
        await AssertNothingMarkedAsync(id);
    }

    [Fact]
    public async Task PostServiceExposure_MarksEveryMappedCredentialAndBlindCredentialThenIncidentProgress()
    {
        var db = await CreateAsync("db", "p1");
        var api = (await _host.CreateCredentialAsync("api", ("token", "t1"))).Item.Id;
        var blind = (await _host.Get<BlindCredentialService>().CreateAsync(
            ApiTestHost.Alice, TestData.BlindCredential("sealed", keys: "api_key") with { Metadata = TestData.Json("""{"owner": "sre@example.com"}""") })).Id;
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "web", new ServiceMappingInput { Credentials = [db, api], BlindCredentials = [blind] });

        var marks = (await _admin.PostWireAsync("/v1/services/web/exposure", "{\"reason\": \"host compromised\", \"incident\": \"INC-9\"}"))
            .AssertSchema().GetProperty("marks");
        (await _admin.PutWireAsync($"/v1/credentials/{api}", "{\"credential_pairs\": {\"token\": \"t2\"}}")).AssertSchema();

        Assert.Equal(3, marks.GetArrayLength());
        Assert.All(marks.EnumerateArray(), m => Assert.Equal("web", Str(m, "service_id")));
        var blindJson = (await _admin.GetWireAsync($"/v1/blind_credentials/{blind}")).AssertPlain();
        Assert.Equal(["api_key"], Strings(blindJson.GetProperty("exposure").GetProperty("pending")));
        WireResponse.AssertHttpDate(blindJson.GetProperty("exposure").GetProperty("marked_at"));
        var incident = (await _admin.GetWireAsync("/v1/incidents/INC-9")).AssertSchema();
        WireResponse.AssertFields(incident, "incident", "exposed", "rotated", "pending", "resources");
        Assert.Equal((3, 1, 2), (incident.GetProperty("exposed").GetInt32(), incident.GetProperty("rotated").GetInt32(), incident.GetProperty("pending").GetInt32()));
        var sealedResource = incident.GetProperty("resources").EnumerateArray().Single(r => Str(r, "id") == blind);
        Assert.Equal(["sre@example.com"], Strings(sealedResource.GetProperty("owners")));
        Assert.Equal(["web"], Strings(sealedResource.GetProperty("services")));
        var list = (await _admin.GetWireAsync("/v1/incidents")).AssertSchema().GetProperty("incidents");
        Assert.Equal("INC-9", Str(Assert.Single(list.EnumerateArray()), "incident"));
        (await _admin.GetWireAsync("/v1/incidents/INC-404")).AssertError(HttpStatusCode.NotFound, "No exposure mark names incident INC-404.", "INC-404");
        (await _admin.GetWireAsync("/v1/incidents/%20x")).AssertSomeError(HttpStatusCode.BadRequest);
    }

    private async Task<string> CreateAsync(string name, string password) =>
        (await _host.CreateCredentialAsync(name, ("password", password))).Item.Id;

    private async Task MapAsync(string service, params string[] credentials) =>
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, service, new ServiceMappingInput { Credentials = credentials });

    private async Task AssertNothingMarkedAsync(string id)
    {
        var report = (await _admin.GetWireAsync($"/v1/credentials/{id}/exposure")).AssertSchema();
        Assert.Equal(0, report.GetProperty("marks").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("blast_radius").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await _admin.GetWireAsync($"/v1/credentials/{id}")).AssertSchema().GetProperty("exposure").ValueKind);
    }

    private static void AssertExposure(JsonElement exposure, params string[] pending)
    {
        WireResponse.AssertFields(exposure, "incidents", "revisions", "pending", "marked_at");
        Assert.Equal(["INC-1"], Strings(exposure.GetProperty("incidents")));
        Assert.Equal("[1]", exposure.GetProperty("revisions").GetRawText());
        Assert.Equal(pending, Strings(exposure.GetProperty("pending")));
    }

    private static string? Str(JsonElement element, string name) => element.GetProperty(name).GetString();

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();
}
