using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Catalogue;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Catalogue;

public sealed class ResourceCatalogueTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private ResourceCatalogue Catalogue => _host.Get<ResourceCatalogue>();

    private CredentialService Credentials => _host.Get<CredentialService>();

    // The change beacon is read once a minute on the fake clock, so that another instance's write reaches this one
    // only through what a test does: advancing the generation, or the catalogue's own maximum age (30 s here).
    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(new Dictionary<string, string?>
    {
        ["Cluster:CoherenceMilliseconds"] = "60000",
        ["Catalogue:MaxAgeSeconds"] = "30",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Write_CreateRenameArchive_EachShowsOnTheNextRead()
    {
        Assert.Empty(await Catalogue.CredentialsAsync(DomainHost.Alice));

        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        Assert.Equal(["prod-db"], Names(await Catalogue.CredentialsAsync(DomainHost.Alice)));

        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Name = "prod-database" });
        var renamed = Assert.Single(await Catalogue.CredentialsAsync(DomainHost.Alice));
        Assert.Equal(("prod-database", 2, true), (renamed.Name, renamed.Revision, renamed.Enabled));

        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Enabled = false });
        Assert.False(Assert.Single(await Catalogue.CredentialsAsync(DomainHost.Alice)).Enabled);
        Assert.True(await Credentials.ArchiveAsync(DomainHost.Alice, created.Item.Id, force: true));

        Assert.Empty(await Catalogue.CredentialsAsync(DomainHost.Alice));
        var archived = Assert.Single(await Catalogue.ArchivedCredentialsAsync(DomainHost.Alice));
        Assert.Equal((created.Item.Id, "prod-database", CatalogueKind.ArchivedCredential), (archived.Id, archived.Name, archived.Kind));
        Assert.NotNull(archived.ArchiveDate);
    }

    [Fact]
    public async Task Read_EveryKind_ListsNamesSortedWithWhatTheListsShow()
    {
        var beta = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("Beta", ("k", "v")));
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("alpha", ("k2", "v")));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "zeta-api", new ServiceMappingInput { Credentials = [beta.Item.Id] });
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "Api", new ServiceMappingInput());

        Assert.Equal(["alpha", "Beta"], Names(await Catalogue.CredentialsAsync(DomainHost.Alice)));
        var services = await Catalogue.ServicesAsync(DomainHost.Alice);
        Assert.Equal([("Api", 0), ("zeta-api", 1)], services.Select(s => (s.Name, s.MappedCount)));
        Assert.Empty(await Catalogue.BlindCredentialsAsync(DomainHost.Alice));
    }

    [Fact]
    public async Task Read_ManyCallersWithoutWrites_ShareOneCatalogue()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        var bob = ConfidantPrincipal.ForUser("bob@example.com", "bob@example.com", new HashSet<string>(StringComparer.Ordinal) { ConfidantRoles.Reader });

        var reads = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Catalogue.CredentialsAsync(i % 2 == 0 ? DomainHost.Alice : bob)));

        // One build serves every circuit: the very same entries, not a copy per caller.
        Assert.All(reads, r => Assert.Same(reads[0], r));
    }

    [Fact]
    public async Task Read_AnotherInstancesWrite_ShowsOnceTheStoreGenerationMoves()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        Assert.Equal(["prod-db"], Names(await Catalogue.CredentialsAsync(DomainHost.Alice)));
        await using var other = await OtherInstanceAsync();

        await other.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("from-other", ("k", "v")));

        // This process saw no write: the catalogue is kept, as every other cache is, until the generation moves.
        Assert.Equal(["prod-db"], Names(await Catalogue.CredentialsAsync(DomainHost.Alice)));
        _host.Get<StoreGeneration>().Advance();
        Assert.Equal(["from-other", "prod-db"], Names(await Catalogue.CredentialsAsync(DomainHost.Alice)));
    }

    [Fact]
    public async Task Write_NewRevisionsMadeHere_OnlyThoseResourcesReadAgainAndPutInPlace()
    {
        var alpha = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("alpha", ("k", "v")));
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("delta", ("k", "v")));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "api", new ServiceMappingInput());
        var before = await Catalogue.CredentialsAsync(DomainHost.Alice);
        var services = await Catalogue.ServicesAsync(DomainHost.Alice);

        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("Beta", ("k", "v")));
        await Credentials.UpdateAsync(DomainHost.Alice, alpha.Item.Id, new CredentialInput { Name = "omega", Enabled = false });
        var after = await Catalogue.CredentialsAsync(DomainHost.Alice);

        // Put in place in name order; the entry nobody touched is the very same one, the untouched kind the same list:
        // nothing was listed again.
        Assert.Equal(["Beta", "delta", "omega"], Names(after));
        var omega = after.Single(e => e.Name == "omega");
        Assert.Equal((2, false), (omega.Revision, omega.Enabled));
        var delta = after.Single(e => e.Name == "delta");
        Assert.Same(before.Single(e => e.Name == "delta"), delta);
        Assert.Same(services, await Catalogue.ServicesAsync(DomainHost.Alice));

        // A change this process cannot place (an archive) has everything read again.
        Assert.True(await Credentials.ArchiveAsync(DomainHost.Alice, alpha.Item.Id, force: true));
        var rebuilt = await Catalogue.CredentialsAsync(DomainHost.Alice);
        Assert.Equal(["Beta", "delta"], Names(rebuilt));
        Assert.NotSame(delta, rebuilt.Single(e => e.Name == "delta"));
        Assert.Equal(["omega"], Names(await Catalogue.ArchivedCredentialsAsync(DomainHost.Alice)));
    }

    [Fact]
    public async Task Read_AnotherInstancesWrite_ShowsOnceTheRebuildAfterTheMaximumAgeEnds()
    {
        Assert.Empty(await Catalogue.ServicesAsync(DomainHost.Alice));
        await using var other = await OtherInstanceAsync();
        await other.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "from-other", new ServiceMappingInput());

        _host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await Catalogue.ServicesAsync(DomainHost.Alice));
        Assert.True(Catalogue.Refreshing.IsCompleted);

        // Past the maximum age the read is still served at once, from the catalogue in hand, while it is built again.
        _host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await Catalogue.ServicesAsync(DomainHost.Alice));
#pragma warning disable VSTHRD003 // The catalogue's own rebuild, which ends on its own.
        await Catalogue.Refreshing;
#pragma warning restore VSTHRD003
        Assert.Equal(["from-other"], Names(await Catalogue.ServicesAsync(DomainHost.Alice)));
        Assert.True(Catalogue.Refreshing.IsCompleted);
    }

    [Fact]
    public async Task Read_ExposedResourcesAfterAFullBuild_ShowTheirIncidentsAndPendingKeys()
    {
        var exposed = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("user", "admin"), ("password", "leaked-1")))).Item.Id;
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("quiet", ("password", "other")));
        var blind = (await _host.Get<BlindCredentialService>().CreateAsync(DomainHost.Alice, TestData.BlindCredential("sealed", "api_key"))).Id;
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "web", new ServiceMappingInput { Credentials = [exposed] });
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "batch", new ServiceMappingInput());
        var incident = new ExposureInput("pasted in a public channel", "INC-7");
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, exposed, incident);
        await _host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.BlindCredential, blind, incident);
        await Credentials.UpdateAsync(DomainHost.Alice, exposed, new CredentialInput { Pairs = TestData.Pairs(("user", "admin"), ("password", "fresh-2")) });

        // A change made elsewhere: everything is built again, from the names, the exposed resources read whole.
        _host.Get<StoreGeneration>().Advance();
        var credentials = await Catalogue.CredentialsAsync(DomainHost.Alice);
        var blindEntry = Assert.Single(await Catalogue.BlindCredentialsAsync(DomainHost.Alice));
        var services = await Catalogue.ServicesAsync(DomainHost.Alice);

        Assert.Equal(["db", "quiet"], Names(credentials));
        var db = credentials[0];
        Assert.Equal(2, db.Revision);
        Assert.Equal(["INC-7"], db.Incidents);
        Assert.Equal(["user"], db.Pending);
        Assert.Null(credentials[1].Incidents);
        Assert.Null(credentials[1].Pending);
        Assert.Equal(["INC-7"], blindEntry.Incidents);
        Assert.Equal(["api_key"], blindEntry.Pending);
        Assert.Equal(new (string, string?)[] { ("batch", null), ("web", "INC-7") }, services.Select(s => (s.Name, s.Incidents?.Single())));
        Assert.Equal(1, services[1].MappedCount);
    }

    [Fact]
    public async Task Read_CallerTheAclRefusesTheList_IsRefusedAndSeesNothing()
    {
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("prod-db", ("k", "v")));
        var service = ConfidantPrincipal.ForService("billing");
        var nobody = ConfidantPrincipal.ForUser("eve@example.com", "eve@example.com", new HashSet<string>(StringComparer.Ordinal));

        foreach (var caller in new[] { service, nobody })
        {
            var refused = await Assert.ThrowsAsync<ConfidantException>(() => Catalogue.CredentialsAsync(caller));
            Assert.Equal(ConfidantErrorKind.Forbidden, refused.Kind);
            await Assert.ThrowsAsync<ConfidantException>(() => Catalogue.ArchivedCredentialsAsync(caller));
            await Assert.ThrowsAsync<ConfidantException>(() => Catalogue.BlindCredentialsAsync(caller));
            await Assert.ThrowsAsync<ConfidantException>(() => Catalogue.ServicesAsync(caller));
        }
    }

    // A second "instance" on the same SQLite file and key ring, with caches and a store generation of its own.
    private Task<DomainHost> OtherInstanceAsync() => DomainHost.StartAsync(new Dictionary<string, string?>
    {
        ["Storage:Sqlite:Path"] = Path.Combine(_host.DataDirectory, "confidant.db"),
        ["Kms:LocalKeyRingPath"] = Path.Combine(_host.DataDirectory, "confidant.keyring.json"),
    });

    private static List<string> Names(IReadOnlyList<CatalogueEntry> entries) => [.. entries.Select(e => e.Name)];
}
