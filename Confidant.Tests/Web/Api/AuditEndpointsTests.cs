using System.Net;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>GET /v1/audit, /v1/audit/status and /v1/credentials/{id}/access: admins read the trail, editors a credential's access.</summary>
public abstract class AuditEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiTestHost.CreateAsync(backend);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ListAudit_AfterReveal_NewestFirstWithEveryField()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "sk-live-1"))).Item.Id;
        using var alice = await _host.UserClientAsync("alice");
        (await alice.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();

        var body = (await alice.GetWireAsync($"/v1/audit?resource_id={id}&actor=alice")).AssertSchema();

        WireResponse.AssertFields(body, "records", "next_page");
        var reveal = Assert.Single(body.GetProperty("records").EnumerateArray());
        Assert.Equal("reveal", reveal.GetProperty("action").GetString());
        Assert.Equal(["create"], await ActionsAsync(alice, $"/v1/audit?resource_id={id}&action=create"));
        WireResponse.AssertFields(reveal, "chain_id", "sequence", "time", "action", "outcome", "resource_type", "resource_id", "revision",
            "items", "via", "detail", "actor", "origin", "flags", "previous_hash", "hash");
        WireResponse.AssertFields(reveal.GetProperty("actor"), "name", "type", "subject", "email", "account", "auth_method");
        WireResponse.AssertFields(reveal.GetProperty("origin"), "channel", "route", "address", "user_agent", "request_id");
        Assert.Equal(("delivered", "credential", id, 1), (
            reveal.GetProperty("outcome").GetString(), reveal.GetProperty("resource_type").GetString(),
            reveal.GetProperty("resource_id").GetString(), reveal.GetProperty("revision").GetInt32()));
        Assert.Equal(("alice", "user"), (reveal.GetProperty("actor").GetProperty("name").GetString(), reveal.GetProperty("actor").GetProperty("type").GetString()));
        Assert.Equal([AuditFlags.FirstAccess], reveal.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        WireResponse.AssertIsoDate(reveal.GetProperty("time"));
        Assert.Matches("^[0-9a-f]{64}$", reveal.GetProperty("hash").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next_page").ValueKind);
        Assert.DoesNotContain("sk-live-1", (await alice.GetWireAsync("/v1/audit")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAudit_Filters_OnlyMatchingRecords()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "v"))).Item.Id;
        var other = (await _host.CreateCredentialAsync("github", ("token", "v"))).Item.Id;
        using var alice = await _host.UserClientAsync("alice");
        using var bob = await _host.UserClientAsync("bob");
        (await alice.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        (await bob.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        (await bob.GetWireAsync($"/v1/credentials/{other}")).AssertSchema();

        Assert.Equal([("bob", other), ("bob", id), ("alice", id)], await ActorsAndResourcesAsync(alice, "/v1/audit?action=reveal"));
        Assert.Equal([("bob", other), ("bob", id)], await ActorsAndResourcesAsync(alice, "/v1/audit?actor=bob"));
        Assert.Equal([("bob", id)], await ActorsAndResourcesAsync(alice, $"/v1/audit?actor=bob&resource_id={id}"));
        Assert.Equal([("bob", other), ("bob", id)], await ActorsAndResourcesAsync(alice, "/v1/audit?actor=bob&outcome=delivered&flag=first_access"));
        Assert.Empty(await ActorsAndResourcesAsync(alice, "/v1/audit?outcome=denied"));
        Assert.Empty(await ActorsAndResourcesAsync(alice, "/v1/audit?flag=rate"));
    }

    [Fact]
    public async Task ListAudit_TimeRange_FromInclusiveToExclusive()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "v"))).Item.Id;
        using var alice = await _host.UserClientAsync("alice");
        var time = _host.Factory.Time;
        time.Advance(TimeSpan.FromMinutes(1));
        var between = time.GetUtcNow();
        (await alice.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        var at = Uri.EscapeDataString(between.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var after = await ActionsAsync(alice, $"/v1/audit?resource_id={id}&from={at}");
        var before = await ActionsAsync(alice, $"/v1/audit?resource_id={id}&to={at}");

        Assert.Equal(["reveal"], after);
        Assert.Contains("create", before);
        Assert.DoesNotContain("reveal", before);
    }

    [Fact]
    public async Task ListAudit_Limit_PagesWithoutLossOrRepeat()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "v"))).Item.Id;
        using var alice = await _host.UserClientAsync("alice");
        for (var i = 0; i < 4; i++)
        {
            (await alice.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        }

        var seen = new List<(string?, long)>();
        string? page = null;
        var requests = 0;
        do
        {
            var body = (await alice.GetWireAsync($"/v1/audit?resource_id={id}&actor=alice&limit=3" + (page is null ? "" : "&page=" + Uri.EscapeDataString(page)))).AssertSchema();
            var records = body.GetProperty("records").EnumerateArray().ToList();
            Assert.True(records.Count <= 3);
            seen.AddRange(records.Select(r => (r.GetProperty("chain_id").GetString(), r.GetProperty("sequence").GetInt64())));
            page = body.GetProperty("next_page").GetString();
            requests++;
        }
        while (page is not null && requests < 10);

        Assert.Equal(4, seen.Count);
        Assert.Equal(4, seen.Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s.Item2), seen);
    }

    [Theory]
    [InlineData("limit=0", "limit must be a whole number from 1 to 1000.")]
    [InlineData("limit=1001", "limit must be a whole number from 1 to 1000.")]
    [InlineData("limit=ten", "limit must be a whole number from 1 to 1000.")]
    [InlineData("from=yesterday", "from must be an ISO-8601 time with an offset, for example 2026-03-01T12:00:00Z.")]
    [InlineData("to=2026-03-01T12:00:00", "to must be an ISO-8601 time with an offset, for example 2026-03-01T12:00:00Z.")]
    [InlineData("flag=odd", "flag must be one of first_access, rate.")]
    [InlineData("outcome=maybe", "outcome must be one of delivered, succeeded, denied, failed.")]
    [InlineData("actor=a&actor=b", "actor may be given once.")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from must be earlier than to.")]
    [InlineData("page=not-a-token", "Failed to parse page")]
    public async Task ListAudit_BadParameter_400NamingIt(string parameters, string message)
    {
        using var alice = await _host.UserClientAsync("alice");

        (await alice.GetWireAsync("/v1/audit?" + parameters)).AssertError(HttpStatusCode.BadRequest, message);
    }

    [Theory]
    [InlineData(ConfidantRoles.Reader)]
    [InlineData(ConfidantRoles.Editor)]
    public async Task ListAudit_PersonBelowAdmin_403(string role)
    {
        using var person = await _host.SessionClientAsync("carol@example.com", role);

        (await person.GetWireAsync("/v1/audit")).AssertError(HttpStatusCode.Forbidden, "carol@example.com does not have access to the audit trail");
        (await person.GetWireAsync("/v1/audit/status")).AssertError(HttpStatusCode.Forbidden, "carol@example.com does not have access to the audit trail");
    }

    [Fact]
    public async Task ListAudit_Service_403()
    {
        using var service = await _host.ServiceClientAsync("billing");

        (await service.GetWireAsync("/v1/audit")).AssertError(HttpStatusCode.Forbidden, "billing does not have access to the audit trail");
    }

    [Fact]
    public async Task ListAudit_AdminSession_Allowed()
    {
        await _host.CreateCredentialAsync("stripe", ("api_key", "v"));
        using var admin = await _host.SessionClientAsync("dana@example.com", ConfidantRoles.Admin);

        var body = (await admin.GetWireAsync("/v1/audit?action=create")).AssertSchema();

        Assert.Single(body.GetProperty("records").EnumerateArray());
    }

    [Fact]
    public async Task GetAuditStatus_AfterRecords_ChainWithItsHead()
    {
        await _host.CreateCredentialAsync("stripe", ("api_key", "v"));
        using var alice = await _host.UserClientAsync("alice");

        var body = (await alice.GetWireAsync("/v1/audit/status")).AssertSchema();

        var chain = Assert.Single(body.GetProperty("chains").EnumerateArray(), c => c.GetProperty("chain_id").GetString() == _host.Get<AuditLog>().CurrentChainId);
        WireResponse.AssertFields(chain, "chain_id", "opened_at", "opened_by", "closed_at", "head_sequence", "head_time", "last_checkpoint", "uncovered");
        Assert.True(chain.GetProperty("head_sequence").GetInt64() >= 2);
        Assert.Equal(JsonValueKind.Null, chain.GetProperty("closed_at").ValueKind);
        var covered = chain.GetProperty("last_checkpoint") is { ValueKind: JsonValueKind.Object } checkpoint ? checkpoint.GetProperty("sequence").GetInt64() : 0;
        Assert.Equal(chain.GetProperty("head_sequence").GetInt64() - covered, chain.GetProperty("uncovered").GetInt64());
    }

    [Fact]
    public async Task GetCredentialAccess_SinceLastRotation_OnlyPrincipalsAfterIt()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "v1"))).Item.Id;
        using var alice = await _host.UserClientAsync("alice");
        using var bob = await _host.UserClientAsync("bob");
        (await bob.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        _host.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.Get<Confidant.Services.Credentials.CredentialService>().UpdateAsync(ApiTestHost.Alice, id, TestData.Credential("stripe", ("api_key", "v2")));
        _host.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        (await alice.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        (await alice.GetWireAsync($"/v1/credentials/{id}")).AssertSchema();
        await _host.Get<IAuditStore>().FlushAsync();

        var body = (await alice.GetWireAsync($"/v1/credentials/{id}/access")).AssertSchema();

        WireResponse.AssertFields(body, "credential_id", "since", "principals");
        Assert.Equal(id, body.GetProperty("credential_id").GetString());
        WireResponse.AssertIsoDate(body.GetProperty("since"));
        var principals = body.GetProperty("principals").EnumerateArray().ToList();
        Assert.DoesNotContain(principals, p => p.GetProperty("actor_name").GetString() == "bob");
        var principal = Assert.Single(principals, p => p.GetProperty("actor_name").GetString() == "alice");
        WireResponse.AssertFields(principal, "actor_type", "actor_name", "account", "count", "first", "last", "revisions");
        Assert.Equal(("user", "alice", 2L), (principal.GetProperty("actor_type").GetString(), principal.GetProperty("actor_name").GetString(), principal.GetProperty("count").GetInt64()));
        Assert.Equal([2], principal.GetProperty("revisions").EnumerateArray().Select(r => r.GetInt32()));
    }

    [Fact]
    public async Task GetCredentialAccess_Editor_AllowedReader_403()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "v1"))).Item.Id;
        using var editor = await _host.SessionClientAsync("erin@example.com", ConfidantRoles.Editor);
        using var reader = await _host.SessionClientAsync("rita@example.com", ConfidantRoles.Reader);

        var allowed = (await editor.GetWireAsync($"/v1/credentials/{id}/access")).AssertSchema();

        Assert.Equal(id, allowed.GetProperty("credential_id").GetString());
        (await reader.GetWireAsync($"/v1/credentials/{id}/access"))
            .AssertError(HttpStatusCode.Forbidden, $"rita@example.com does not have access to the access record of credential {id}", id);
    }

    [Fact]
    public async Task GetCredentialAccess_Unknown_404()
    {
        using var alice = await _host.UserClientAsync("alice");

        (await alice.GetWireAsync("/v1/credentials/0123456789abcdef0123456789abcdef/access"))
            .AssertError(HttpStatusCode.NotFound, "Credential not found.", "0123456789abcdef0123456789abcdef");
    }

    private static async Task<List<(string?, string?)>> ActorsAndResourcesAsync(HttpClient client, string path) =>
        (await client.GetWireAsync(path)).AssertSchema().GetProperty("records").EnumerateArray()
            .Select(r => (r.GetProperty("actor").GetProperty("name").GetString(), r.GetProperty("resource_id").GetString()))
            .ToList();

    private static async Task<List<string?>> ActionsAsync(HttpClient client, string path) =>
        (await client.GetWireAsync(path)).AssertSchema().GetProperty("records").EnumerateArray()
            .Select(r => r.GetProperty("action").GetString())
            .ToList();
}
