using System.Text;
using Confidant.Services.Authorization;
using Confidant.Services.Catalogue;
using Confidant.Services.Cluster;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Cluster;

/// <summary>
/// Two servers on one store: a change made through one reaches the other's caches at the other's next look at the
/// change beacon (every <c>Cluster:CoherenceMilliseconds</c>), long before the caches would expire; a look that finds
/// nothing new drops nothing; an archive makes every server forget its data keys; the lists of names follow. Each host's own loop waits on a fake
/// clock that never moves, so the test decides when each host looks. Run once per backend.
/// </summary>
public abstract class ClusterCoherenceContract : IAsyncLifetime
{
    private static readonly ConfidantPrincipal Workload = ConfidantPrincipal.ForService("svc");

    private DomainHost _a = null!;
    private DomainHost _b = null!;

    /// <summary>Two hosts on one store and one key ring; the second is disposed first.</summary>
    protected abstract Task<(DomainHost A, DomainHost B)> StartHostsAsync();

    public async Task InitializeAsync()
    {
        (_a, _b) = await StartHostsAsync();

        // From here on each host looks only when a test says so (or wakes it with a write of its own).
        await _a.Get<ClusterCoherence>().FirstRound;
        await _b.Get<ClusterCoherence>().FirstRound;
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task Update_MadeOnA_ServedByBAfterItsNextLookWhileItsCachedAnswerIsStillFresh()
    {
        var db = await _a.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        await _a.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [db.Item.Id] });
        await LookAsync(_b);
        Assert.Equal("p1", await ReadAsync(_b));

        await _a.Get<CredentialService>().UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "p2")) });
        await LookAsync(_a);
        var beforeLook = await ReadAsync(_b);
        await LookAsync(_b);
        var afterLook = await ReadAsync(_b);

        Assert.Equal("p1", beforeLook);
        Assert.Equal("p2", afterLook);
    }

    [Fact]
    public async Task Look_NothingChangedElsewhere_DropsNothingHere()
    {
        await LookAsync(_a);
        await LookAsync(_b);
        var beacon = await _a.Get<ChangeBeacon>().ReadAsync();
        var generation = _b.Get<StoreGeneration>();
        await _b.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        var afterOwnWrite = generation.Current;

        await LookAsync(_b);
        await LookAsync(_b);
        await LookAsync(_a);
        await LookAsync(_b);

        Assert.Equal(afterOwnWrite, generation.Current);
        Assert.True((await _a.Get<ChangeBeacon>().ReadAsync()).Revision > beacon.Revision);
    }

    [Fact]
    public async Task Archive_MadeOnA_BForgetsItsDataKeysWhileAnUpdateLeavesThem()
    {
        var credentials = _a.Get<CredentialService>();
        var kept = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("kept", ("password", "v1")));
        var archived = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("gone", ("password", "v1")));
        await _a.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [kept.Item.Id] });
        await LookAsync(_a);
        await LookAsync(_b);
        await ReadAsync(_b);
        var dataKeys = _b.Get<DataKeyCache>();
        Assert.True(dataKeys.Count > 0);

        await credentials.UpdateAsync(DomainHost.Alice, kept.Item.Id, new CredentialInput { Documentation = "still here" });
        await LookAsync(_a);
        await LookAsync(_b);
        var afterUpdate = dataKeys.Count;
        await credentials.UpdateAsync(DomainHost.Alice, archived.Item.Id, new CredentialInput { Enabled = false });
        Assert.True(await credentials.ArchiveAsync(DomainHost.Alice, archived.Item.Id, force: true));
        await LookAsync(_a);
        await LookAsync(_b);

        Assert.True(afterUpdate > 0);
        Assert.Equal(0, dataKeys.Count);
    }

    [Fact]
    public async Task Command_ChangeAnnouncedByAProcessWithoutTheLoop_SeenByTheServer()
    {
        var db = await _a.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        await _a.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [db.Item.Id] });
        await LookAsync(_a);
        await LookAsync(_b);
        Assert.Equal("p1", await ReadAsync(_b));

        await _a.Get<CredentialService>().UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "p2")) });
        await _a.Get<ClusterCoherence>().AnnounceAsync();
        await LookAsync(_b);

        Assert.Equal("p2", await ReadAsync(_b));
    }

    [Fact]
    public async Task Catalogue_CreateRenameAndArchiveOnA_ShowOnBsListsAfterItsNextLook()
    {
        var credentials = _a.Get<CredentialService>();
        await LookAsync(_b);
        var beforeCreate = await NamesOnBAsync();

        var db = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        await LookAsync(_a);
        var createdBeforeLook = await NamesOnBAsync();
        await LookAsync(_b);
        var created = await NamesOnBAsync();

        await credentials.UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Name = "db-renamed" });
        await LookAsync(_a);
        await LookAsync(_b);
        var renamed = await NamesOnBAsync();

        await credentials.UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Enabled = false });
        Assert.True(await credentials.ArchiveAsync(DomainHost.Alice, db.Item.Id, force: true));
        await LookAsync(_a);
        await LookAsync(_b);

        Assert.Empty(beforeCreate);
        Assert.Empty(createdBeforeLook);
        Assert.Equal(["db"], created);
        Assert.Equal(["db-renamed"], renamed);
        Assert.Empty(await NamesOnBAsync());
        Assert.Equal(["db-renamed"], (await _b.Get<ResourceCatalogue>().ArchivedCredentialsAsync(DomainHost.Alice)).Select(e => e.Name));
    }

    [Fact]
    public async Task Catalogue_OneAnnouncementOfANewRevisionOnA_BReadsThatItemAloneAndPutsItInPlace()
    {
        var credentials = _a.Get<CredentialService>();
        var (db, before) = await TwoCredentialsListedOnBAsync();

        await credentials.UpdateAsync(DomainHost.Alice, db, new CredentialInput { Name = "zdb" });
        await LookAsync(_a);
        await LookAsync(_b);
        var after = await _b.Get<ResourceCatalogue>().CredentialsAsync(DomainHost.Alice);

        // The beacon named the item: B read it again and kept every other entry as it was.
        Assert.Equal(["queue", "zdb"], after.Select(e => e.Name));
        Assert.Same(before.Single(e => e.Name == "queue"), after.Single(e => e.Name == "queue"));
    }

    [Fact]
    public async Task Catalogue_TwoAnnouncementsBetweenBsLooks_BBuildsItsCatalogueAgain()
    {
        var credentials = _a.Get<CredentialService>();
        var (db, before) = await TwoCredentialsListedOnBAsync();

        await credentials.UpdateAsync(DomainHost.Alice, db, new CredentialInput { Name = "db2" });
        await LookAsync(_a);
        await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("cache", ("password", "p1")));
        await LookAsync(_a);
        await LookAsync(_b);
        var after = await _b.Get<ResourceCatalogue>().CredentialsAsync(DomainHost.Alice);

        // B saw the last announcement's items only; not knowing the first one's, it listed everything again.
        Assert.Equal(["cache", "db2", "queue"], after.Select(e => e.Name));
        Assert.NotSame(before.Single(e => e.Name == "queue"), after.Single(e => e.Name == "queue"));
    }

    // Credentials "db" and "queue" made on A, announced and seen by B, whose catalogue is returned as it then is.
    private async Task<(string DbId, IReadOnlyList<CatalogueEntry> OnB)> TwoCredentialsListedOnBAsync()
    {
        var credentials = _a.Get<CredentialService>();
        var db = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("queue", ("password", "p1")));
        await LookAsync(_a);
        await LookAsync(_b);
        return (db.Item.Id, await _b.Get<ResourceCatalogue>().CredentialsAsync(DomainHost.Alice));
    }

    private async Task<List<string>> NamesOnBAsync() =>
        [.. (await _b.Get<ResourceCatalogue>().CredentialsAsync(DomainHost.Alice)).Select(e => e.Name)];

    private static Task LookAsync(DomainHost host) => host.Get<ClusterCoherence>().StepAsync(CancellationToken.None);

    private static async Task<string> ReadAsync(DomainHost host)
    {
        var body = await host.Get<ServiceMappingService>().ReadAsync(Workload, "svc", metadataOnly: false, mapping =>
            Encoding.UTF8.GetBytes(TestData.Value(Assert.Single(mapping.Credentials).Pairs, "password")));
        return Encoding.UTF8.GetString(body.Span);
    }
}

/// <summary>Two servers on one SQLite file and one local key ring.</summary>
public sealed class SqliteClusterCoherenceTests : ClusterCoherenceContract
{
    protected override async Task<(DomainHost A, DomainHost B)> StartHostsAsync()
    {
        var a = await DomainHost.StartAsync(Settings);
        var shared = new Dictionary<string, string?>(Settings)
        {
            ["Storage:Sqlite:Path"] = Path.Combine(a.DataDirectory, "confidant.db"),
            ["Kms:LocalKeyRingPath"] = Path.Combine(a.DataDirectory, "confidant.keyring.json"),
        };
        return (a, await DomainHost.StartAsync(shared));
    }

    private static Dictionary<string, string?> Settings => new() { ["Api:ServiceResponseCacheSeconds"] = "300" };
}

/// <summary>Two servers on one dynalite table and one local key ring.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbClusterCoherenceTests(DynaliteFixture dynalite) : ClusterCoherenceContract
{
    protected override async Task<(DomainHost A, DomainHost B)> StartHostsAsync()
    {
        var settings = await dynalite.StorageSettingsAsync();
        settings["Api:ServiceResponseCacheSeconds"] = "300";
        var a = await DomainHost.StartAsync(settings, configureServices: services => services.AddSingleton(dynalite.Client));
        settings["Kms:LocalKeyRingPath"] = Path.Combine(a.DataDirectory, "confidant.keyring.json");
        return (a, await DomainHost.StartAsync(settings, configureServices: services => services.AddSingleton(dynalite.Client)));
    }
}
