using System.Net;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Confidant.Web.Audit;

namespace Confidant.Tests.Web.Audit;

/// <summary>GET /audit/export: the audit page's download, for signed-in admins.</summary>
public sealed class AuditExportTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ExportCsv_Admin_AttachmentWithHeaderAndRecordsNewestFirst()
    {
        var id = await RevealedCredentialAsync();
        using var admin = await _host.SessionClientAsync("dana@example.com", ConfidantRoles.Admin);

        using var response = await admin.GetAsync(new Uri($"/audit/export?format=csv&resource_id={id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("audit-20260115T120000Z.csv", response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(AuditCsv.Header.TrimEnd(), lines[0]);
        var actions = lines[1..^1].Select(l => l.Split(',')[3]).ToList();
        Assert.Equal("reveal", actions[0]);
        Assert.Contains("create", actions);
        Assert.All(lines[1..^1], l => Assert.Equal(id, l.Split(',')[6]));
        Assert.Equal(string.Empty, lines[^1]);
    }

    [Fact]
    public async Task ExportJson_Admin_TheRecordsOfGetV1Audit()
    {
        var id = await RevealedCredentialAsync();
        using var admin = await _host.SessionClientAsync("dana@example.com", ConfidantRoles.Admin);

        using var response = await admin.GetAsync(new Uri($"/audit/export?format=json&resource_id={id}", UriKind.Relative));
        var api = (await admin.GetWireAsync($"/v1/audit?resource_id={id}")).AssertSchema();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var exported = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, exported.RootElement.ValueKind);
        Assert.Equal(
            api.GetProperty("records").EnumerateArray().Select(r => r.GetRawText()),
            exported.RootElement.EnumerateArray().Select(r => r.GetRawText()));
        Assert.True(exported.RootElement.GetArrayLength() >= 2);
    }

    [Fact]
    public async Task ExportCsv_MoreThanOnePage_EveryMatchingRecordOnce()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "v"))).Item.Id;
        var bob = ConfidantPrincipal.ForUser("bob@example.com");
        await Task.WhenAll(Enumerable.Range(0, 1001).Select(_ => _host.Get<CredentialReader>().GetAsync(bob, id)));
        using var admin = await _host.SessionClientAsync("dana@example.com", ConfidantRoles.Admin);

        var text = await admin.GetStringAsync(new Uri($"/audit/export?format=csv&resource_id={id}&action=reveal", UriKind.Relative));

        var rows = text.Split("\r\n")[1..^1];
        Assert.Equal(1001, rows.Length);
        Assert.Equal(1001, rows.Select(r => r.Split(',')[2]).Distinct().Count());
    }

    [Theory]
    [InlineData(ConfidantRoles.Editor)]
    [InlineData(ConfidantRoles.Reader)]
    public async Task Export_BelowAdmin_403AndNoRecords(string role)
    {
        await RevealedCredentialAsync();
        using var person = await _host.SessionClientAsync("erin@example.com", role);

        var response = await person.GetWireAsync("/audit/export?format=csv");

        response.AssertError(HttpStatusCode.Forbidden, "erin@example.com does not have access to the audit trail");
    }

    [Fact]
    public async Task Export_NotSignedIn_NoRecords()
    {
        await RevealedCredentialAsync();
        using var anonymous = _host.AnonymousClient();
        using var service = await _host.ServiceClientAsync("billing");

        var noSession = await anonymous.GetWireAsync("/audit/export?format=csv");
        var withToken = await service.GetWireAsync("/audit/export?format=csv");

        // The download is for the cookie session: without one the browser is sent to sign in.
        Assert.Equal(HttpStatusCode.Redirect, noSession.Status);
        Assert.Equal(HttpStatusCode.Redirect, withToken.Status);
        Assert.DoesNotContain("reveal", noSession.Body + withToken.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format=xml", "format must be csv or json.")]
    [InlineData("", "format must be csv or json.")]
    [InlineData("format=csv&flag=odd", "flag must be one of first_access, rate.")]
    [InlineData("format=json&from=soon", "from must be an ISO-8601 time with an offset, for example 2026-03-01T12:00:00Z.")]
    public async Task Export_BadParameter_400(string parameters, string message)
    {
        using var admin = await _host.SessionClientAsync("dana@example.com", ConfidantRoles.Admin);

        (await admin.GetWireAsync("/audit/export?" + parameters)).AssertError(HttpStatusCode.BadRequest, message);
    }

    private async Task<string> RevealedCredentialAsync()
    {
        var id = (await _host.CreateCredentialAsync("stripe", ("api_key", "sk-live-1"))).Item.Id;
        await _host.Get<CredentialReader>().GetAsync(ConfidantPrincipal.ForUser("bob@example.com"), id);
        return id;
    }
}
