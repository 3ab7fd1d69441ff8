using System.Security.Cryptography;
using Confidant.Services.Catalogue;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Credentials;

/// <summary>
/// Archiving checks "disabled and unmapped" and then moves the credential, with no transaction across items on
/// either backend. A mapping or an update that lands in between must never be lost: whichever interleaving happens,
/// an operation answered as done holds, and the credential is whole in exactly one table. Run once per backend.
/// </summary>
public abstract class CredentialArchiveRaceContract : IAsyncLifetime
{
    private DomainHost _host = null!;

    protected abstract Task<DomainHost> StartHostAsync();

    public async Task InitializeAsync() => _host = await StartHostAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CredentialService Credentials => _host.Get<CredentialService>();

    private ServiceMappingService Mappings => _host.Get<ServiceMappingService>();

    private PausingStore Pausing => _host.Get<PausingStore>();

    private IConfidantStore Store => Pausing.Inner;

    [Fact]
    public async Task Archive_MappingWrittenAfterTheUnmappedCheck_ArchiveUndoneAndMappingKept()
    {
        var id = await DisabledCredentialAsync();
        var pause = Pausing.PauseBefore("Archive", id);
        var archive = Outcome(() => Credentials.ArchiveAsync(DomainHost.Alice, id, force: true));
        await pause.WaitUntilReachedAsync();

        var mapped = await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [id] });
        pause.Release();
        var refused = Assert.IsType<ConfidantException>((await archive).Error);

        Assert.Equal(ErrorMessages.CredentialHasMappedServices, refused.Message);
        Assert.Equal([id], mapped.Item.Credentials);
        await AssertLiveAndMappedAsync(id, "billing");
    }

    [Fact]
    public async Task Map_ArchiveLandsBetweenTheExistenceCheckAndTheWrite_MappingRefusedAndArchiveHolds()
    {
        var id = await DisabledCredentialAsync();
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());
        var pause = Pausing.PauseBefore("WriteRevision", "billing");
        var map = Outcome(() => Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [id] }));
        await pause.WaitUntilReachedAsync();

        var archived = await Credentials.ArchiveAsync(DomainHost.Alice, id, force: true);
        pause.Release();
        var refused = Assert.IsType<ConfidantException>((await map).Error);

        Assert.True(archived);
        Assert.Equal(ConfidantErrorKind.Conflict, refused.Kind);
        Assert.Contains(id, refused.Message, StringComparison.Ordinal);
        await AssertArchivedAsync(id, revision: 2);
        Assert.DoesNotContain(id, (await ServiceAsync("billing")).Credentials);
    }

    [Fact]
    public async Task Archive_UpdateWrittenAfterTheChecks_ArchiveRefusedAndUpdateKept()
    {
        var id = await DisabledCredentialAsync();
        var pause = Pausing.PauseBefore("Archive", id);
        var archive = Outcome(() => Credentials.ArchiveAsync(DomainHost.Alice, id, force: true));
        await pause.WaitUntilReachedAsync();

        var updated = await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Enabled = true });
        pause.Release();

        Assert.IsType<RevisionConflictException>((await archive).Error);
        var current = await _host.Get<CredentialReader>().GetAsync(DomainHost.Alice, id, metadataOnly: true);
        Assert.Equal(updated.Item.Revision, current.Item.Revision);
        Assert.True(current.Item.Enabled);
        Assert.Empty(await _host.Get<ResourceCatalogue>().ArchivedCredentialsAsync(DomainHost.Alice));
    }

    [Fact]
    public async Task Update_ArchiveLandsBetweenItsReadAndItsWrite_UpdateRefusedAndNothingLeftBehind()
    {
        var id = await DisabledCredentialAsync();
        var pause = Pausing.PauseBefore("WriteRevision", id);
        var update = Outcome(() => Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Documentation = "late" }));
        await pause.WaitUntilReachedAsync();

        var archived = await Credentials.ArchiveAsync(DomainHost.Alice, id, force: true);
        pause.Release();

        Assert.IsAssignableFrom<ConfidantException>((await update).Error);
        Assert.True(archived);
        await AssertArchivedAsync(id, revision: 2);
        Assert.Null(await Store.GetAsync(RevisionId.Of(id, 3)));
    }

    [Fact]
    public async Task ArchiveRacingMappingsAndUpdates_ManyRounds_WhateverWasAnsweredDoneHolds()
    {
        for (var round = 0; round < 16; round++)
        {
            var id = await DisabledCredentialAsync();
            var service = $"svc-{round}";
            // On threads of their own (the SQLite provider completes its "async" calls synchronously), each after a
            // random few milliseconds, so that every order and overlap comes up over the rounds.
            var archiving = Outcome(() => AfterJitterAsync(() => Credentials.ArchiveAsync(DomainHost.Alice, id, force: true)));
            var mapping = Outcome(() => AfterJitterAsync(() => Mappings.PutAsync(DomainHost.Alice, service, new ServiceMappingInput { Credentials = [id] })));
            var updating = Outcome(() => AfterJitterAsync(() => Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Documentation = $"round {round}" })));
            var (archive, map, update) = (await archiving, await mapping, await updating);

            var live = await Store.GetAsync(id);
            var archived = (await _host.Get<ResourceCatalogue>().ArchivedCredentialsAsync(DomainHost.Alice)).SingleOrDefault(c => c.Id == id);
            Assert.True(live is null != archived is null, $"round {round}: live {live is not null}, archived {archived is not null}");
            if (archive.Error is null)
            {
                Assert.NotNull(archived);
            }

            if (map is { Error: null, Value: { } mapped } && mapped.Item.Credentials.Contains(id))
            {
                await AssertLiveAndMappedAsync(id, service);
            }

            if (update is { Error: null, Value: { } written })
            {
                Assert.True((live?.Revision ?? archived!.Revision) >= written.Item.Revision, $"round {round}: the update to revision {written.Item.Revision} was lost");
            }

            if (archived is not null && map.Error is null)
            {
                Assert.DoesNotContain(id, (await ServiceAsync(service)).Credentials);
            }
        }
    }

    private async Task<string> DisabledCredentialAsync()
    {
        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential($"db-{Guid.NewGuid():N}", ("password", "hunter2")));
        await Credentials.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Enabled = false });
        return created.Item.Id;
    }

    private async Task<ServiceItem> ServiceAsync(string id) => (await Mappings.GetAsync(DomainHost.Alice, id, metadataOnly: true)).Item;

    private async Task AssertLiveAndMappedAsync(string id, string service)
    {
        Assert.NotNull(await Store.GetAsync(id));
        Assert.Contains(id, (await ServiceAsync(service)).Credentials);
        Assert.DoesNotContain(await _host.Get<ResourceCatalogue>().ArchivedCredentialsAsync(DomainHost.Alice), c => c.Id == id);
    }

    private async Task AssertArchivedAsync(string id, int revision)
    {
        Assert.Null(await Store.GetAsync(id));
        Assert.Empty(await Store.GetManyAsync(Enumerable.Range(1, revision).Select(n => RevisionId.Of(id, n))));
        var archived = Assert.Single(await _host.Get<ResourceCatalogue>().ArchivedCredentialsAsync(DomainHost.Alice), c => c.Id == id);
        Assert.Equal(revision, archived.Revision);
    }

    private static Task<T> AfterJitterAsync<T>(Func<Task<T>> operation) => Task.Run(async () =>
    {
        await Task.Delay(RandomNumberGenerator.GetInt32(0, 12));
        return await operation();
    });

    /// <summary>Starts an operation and keeps its result or its domain error, to be looked at once it ends.</summary>
    private static async Task<(T? Value, ConfidantException? Error)> Outcome<T>(Func<Task<T>> operation)
    {
        try
        {
            return (await operation(), null);
        }
        catch (ConfidantException error)
        {
            return (default, error);
        }
    }
}

/// <summary>The archive races on the SQLite store.</summary>
public sealed class SqliteCredentialArchiveRaceTests : CredentialArchiveRaceContract
{
    protected override Task<DomainHost> StartHostAsync() => DomainHost.StartAsync(configureServices: PausingStore.Decorate);
}

/// <summary>The archive races on the DynamoDB store, against dynalite.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbCredentialArchiveRaceTests(DynaliteFixture dynalite) : CredentialArchiveRaceContract
{
    protected override async Task<DomainHost> StartHostAsync()
    {
        var (table, archiveTable) = await dynalite.CreateTablesAsync();
        return await DomainHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:Table"] = table,
                ["Storage:DynamoDb:ArchiveTable"] = archiveTable,
            },
            configureServices: services =>
            {
                services.AddSingleton(dynalite.Client);
                PausingStore.Decorate(services);
            });
    }
}
