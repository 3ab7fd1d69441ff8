using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Exposure;

/// <summary>Rotation progress per incident: exposed, rotated and pending resources, the pending keys and the owners to ask.</summary>
public sealed class IncidentProgressTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private CredentialService Credentials => _host.Get<CredentialService>();

    private IncidentProgress Incidents => _host.Get<IncidentProgress>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetAsync_TwoCredentialsOneRotated_CountsPendingKeysOwnersAndServices()
    {
        var db = await CreateAsync("db", "\"dba@example.com, #payments-oncall\"", ("user", "admin"), ("password", "p1"));
        var api = await CreateAsync("api", "[\"api-team\", \"sre@example.com\"]", ("token", "t1"));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "web", new ServiceMappingInput { Credentials = [db, api] });
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Service, "web", new ExposureInput("laptop stolen", "INC-42"));
        await Credentials.UpdateAsync(DomainHost.Alice, api, new CredentialInput { Pairs = TestData.Pairs(("token", "t2")) });
        await Credentials.UpdateAsync(DomainHost.Alice, db, new CredentialInput { Pairs = TestData.Pairs(("user", "admin"), ("password", "p2")) });

        var report = await Incidents.GetAsync(DomainHost.Alice, "INC-42");

        Assert.Equal(("INC-42", 2, 1, 1), (report.Incident, report.Exposed, report.Rotated, report.Pending));
        var pending = report.Resources[0];
        Assert.Equal(("db", false, false), (pending.Name, pending.Rotated, pending.Archived));
        Assert.Equal(["user"], pending.PendingKeys);
        Assert.Equal(["password"], pending.RotatedKeys);
        Assert.Equal(["dba@example.com", "#payments-oncall"], pending.Owners);
        Assert.Equal(["web"], pending.Services);
        var rotated = report.Resources[1];
        Assert.Equal(("api", true), (rotated.Name, rotated.Rotated));
        Assert.Empty(rotated.PendingKeys);
        Assert.Equal(["api-team", "sre@example.com"], rotated.Owners);
    }

    [Fact]
    public async Task ListAsync_TwoIncidents_MostRecentFirstWithCounts()
    {
        var db = await CreateAsync("db", "\"dba@example.com\"", ("password", "p1"));
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, db, new ExposureInput("one", "INC-1"));
        _host.Time.Advance(TimeSpan.FromHours(1));
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, db, new ExposureInput("two", "INC-2"));
        await Credentials.UpdateAsync(DomainHost.Alice, db, new CredentialInput { Pairs = TestData.Pairs(("password", "p2")) });

        var incidents = await Incidents.ListAsync(DomainHost.Alice);

        Assert.Equal([("INC-2", 1, 1, 0), ("INC-1", 1, 1, 0)], incidents.Select(i => (i.Incident, i.Exposed, i.Rotated, i.Pending)));
    }

    [Fact]
    public async Task GetAsync_UnknownIncident_NotFoundAndReaderForbidden()
    {
        var reader = ConfidantPrincipal.ForUser("rita@example.com", roles: new HashSet<string> { ConfidantRoles.Reader });

        var missing = await Assert.ThrowsAsync<ConfidantException>(() => Incidents.GetAsync(DomainHost.Alice, "INC-404"));
        var refused = await Assert.ThrowsAsync<ConfidantException>(() => Incidents.GetAsync(reader, "INC-404"));

        Assert.Equal((ConfidantErrorKind.NotFound, "No exposure mark names incident INC-404."), (missing.Kind, missing.Message));
        Assert.Equal((ConfidantErrorKind.Forbidden, "rita@example.com does not have access to incidents"), (refused.Kind, refused.Message));
    }

    private async Task<string> CreateAsync(string name, string ownerJson, params (string Key, string Value)[] pairs) =>
        (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential(name, pairs) with
        {
            Metadata = JsonDocument.Parse($"{{\"owner\": {ownerJson}}}").RootElement.Clone(),
        })).Item.Id;
}
