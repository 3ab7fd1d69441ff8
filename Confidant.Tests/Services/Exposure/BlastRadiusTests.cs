using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Exposure;

/// <summary>
/// The blast radius of a mark, from real writes and real reads through the domain services: services mapping it now
/// and while the exposed revision was current, the principals the audit trail saw receive that revision, and the other
/// credentials holding the exposed value, found by fingerprint.
/// </summary>
public sealed class BlastRadiusTests : IAsyncLifetime
{
    private static readonly ConfidantPrincipal Bob = ConfidantPrincipal.ForUser("bob@example.com");

    private DomainHost _host = null!;

    private CredentialService Credentials => _host.Get<CredentialService>();

    private ServiceMappingService Mappings => _host.Get<ServiceMappingService>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ReadAsync_MarkedRevision_ServicesPrincipalsAndDuplicatesOfThatRevisionOnly()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("user", "admin"), ("password", "leaked")))).Item.Id;
        var copy = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("copy", ("token", "leaked")))).Item.Id;
        var unrelated = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("unrelated", ("token", "other")));
        await WriteWithoutFingerprintsAsync(unrelated.Item);
        await MapAsync("web", id);
        await MapAsync("batch", id);
        await Mappings.GetAsync(ConfidantPrincipal.ForService("web"), "web");
        await _host.Get<CredentialReader>().GetAsync(DomainHost.Alice, id);
        await MapAsync("batch");

        // Rotated: what follows received only the new values.
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("user", "admin-2"), ("password", "fresh")) });
        await MapAsync("late", id);
        await _host.Get<CredentialReader>().GetAsync(Bob, id);
        await Mappings.GetAsync(ConfidantPrincipal.ForService("late"), "late");
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, id, new ExposureInput("in a screenshot", "INC-9", 1));

        var report = await _host.Get<BlastRadius>().ReadAsync(DomainHost.Alice, AclResources.Credential, id);

        var status = Assert.Single(report.Marks);
        Assert.False(status.Mark.IsActive);
        Assert.Empty(status.Pending);
        Assert.Equal(["password", "user"], status.Rotated);
        var radius = report.Radius!;
        Assert.Equal(["late", "web"], radius.ServicesNow.Select(s => s.Id));
        Assert.Equal([("batch", "1"), ("web", "1")], radius.ServicesAtExposure.Select(s => (s.Id, string.Join(",", s.Revisions))));
        Assert.Equal(["alice@example.com", "web"], radius.Principals.Select(p => p.ActorName).Order(StringComparer.Ordinal));
        var duplicate = Assert.Single(radius.Duplicates);
        Assert.Equal((copy, "copy", "token", "password"), (duplicate.CredentialId, duplicate.Name, Assert.Single(duplicate.Keys), Assert.Single(duplicate.ExposedKeys)));
        Assert.Equal(1, radius.NotFingerprinted);
    }

    [Fact]
    public async Task ReadAsync_EveryRevisionMarked_EveryoneWhoReceivedAnyRevisionIsInIt()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "two")) });
        await _host.Get<CredentialReader>().GetAsync(Bob, id);
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, id, new ExposureInput("dump", "INC-9"));

        var report = await _host.Get<BlastRadius>().ReadAsync(DomainHost.Alice, AclResources.Credential, id);

        // Alice got the values back from her create and her update (recorded echoes), Bob read the current revision.
        Assert.Equal(
            [("alice@example.com", 2L, "1,2"), ("bob@example.com", 1L, "2")],
            report.Radius!.Principals.Select(p => (p.ActorName, p.Count, string.Join(",", p.Revisions))).Order());
        Assert.Equal(["password"], Assert.Single(report.Marks).Pending);
        Assert.Empty(report.Radius.Duplicates);
        Assert.Equal(0, report.Radius.NotFingerprinted);
    }

    [Fact]
    public async Task ReadAsync_BlindCredential_ServicesAndBlindReadersAndNoFingerprintCount()
    {
        var blind = await _host.Get<BlindCredentialService>().CreateAsync(DomainHost.Alice, TestData.BlindCredential("sealed", keys: "api_key"));
        await Mappings.PutAsync(DomainHost.Alice, "web", new ServiceMappingInput { BlindCredentials = [blind.Id] });
        await _host.Get<BlindCredentialService>().GetAsync(ConfidantPrincipal.ForService("web"), blind.Id);
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.BlindCredential, blind.Id, new ExposureInput("dump", "INC-9"));

        var report = await _host.Get<BlastRadius>().ReadAsync(DomainHost.Alice, AclResources.BlindCredential, blind.Id);

        Assert.Equal(["api_key"], Assert.Single(report.Marks).Pending);
        Assert.Equal(["web"], report.Radius!.ServicesNow.Select(s => s.Id));
        Assert.Equal(["web"], report.Radius.Principals.Select(p => p.ActorName));
        Assert.Null(report.Radius.NotFingerprinted);
    }

    [Fact]
    public async Task ReadAsync_NeverMarked_NoMarksAndNoRadius()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;

        var report = await _host.Get<BlastRadius>().ReadAsync(DomainHost.Alice, AclResources.Credential, id);

        Assert.Equal(("db", 0), (report.Name, report.Marks.Count));
        Assert.Null(report.Radius);
    }

    [Fact]
    public async Task ReadAsync_Reader_ForbiddenAsForTheAccessPanel()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        var reader = ConfidantPrincipal.ForUser("rita@example.com", roles: new HashSet<string> { ConfidantRoles.Reader });

        var error = await Assert.ThrowsAsync<ConfidantException>(() => _host.Get<BlastRadius>().ReadAsync(reader, AclResources.Credential, id));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Equal($"rita@example.com does not have access to the exposure of credential {id}", error.Message);
    }

    private async Task MapAsync(string service, params string[] credentials)
    {
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await Mappings.PutAsync(DomainHost.Alice, service, new ServiceMappingInput { Credentials = credentials });
        _host.Time.Advance(TimeSpan.FromMinutes(1));
    }

    /// <summary>The credential's next revision as another Confidant would write it: the same values, no fingerprints.</summary>
    private async Task WriteWithoutFingerprintsAsync(CredentialItem item) =>
        await _host.Get<IConfidantStore>().WriteRevisionAsync(item with { Revision = item.Revision + 1, Fingerprints = null });
}
