using Confidant.Services.Audit;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

public sealed class SqliteArchiveCommandTests() : ArchiveCommandTests(CommandBackend.Sqlite);

[Collection(DynaliteCollection.Name)]
public sealed class DynaliteArchiveCommandTests(DynaliteFixture dynalite) : ArchiveCommandTests(CommandBackend.Dynalite(dynalite));

/// <summary>
/// The <c>archive</c> and <c>restore</c> verbs end to end on one backend: by age on the host's fake clock, by id, the
/// dry run, refusals, and the operator's identity on every audit record.
/// </summary>
public abstract class ArchiveCommandTests(CommandBackend backend) : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public async Task InitializeAsync() => _host = await backend.CreateHostAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Archive_ByDays_MovesOnlyDisabledUnmappedCredentialsOlderThanTheDays()
    {
        var stale = await DisabledCredentialAsync("stale");
        var mapped = await DisabledCredentialAsync("mapped");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [mapped] });
        var enabled = (await _host.CreateCredentialAsync("enabled", ("k", "v"))).Item.Id;
        _host.Factory.Time.Advance(TimeSpan.FromDays(31));
        var recent = await DisabledCredentialAsync("recent");

        var (exit, output, error) = await CommandBackend.RunAsync(_host.Factory.Services, "archive", "--days", "30");

        Assert.True(exit == 0, error);
        Assert.Contains("archive: 1 credentials disabled, unmapped and unmodified for more than 30 days", output, StringComparison.Ordinal);
        Assert.Contains($"[1/1] {stale}: archived", output, StringComparison.Ordinal);
        var store = _host.Get<IConfidantStore>();
        Assert.Null(await store.GetAsync(stale));
        Assert.Null(await store.GetAsync($"{stale}-2"));
        Assert.Equal(3, (await ArchivedAsync(stale)).Count); // the current item and revisions 1 and 2
        foreach (var kept in new[] { mapped, enabled, recent })
        {
            Assert.NotNull(await store.GetAsync(kept));
        }

        var entry = Assert.Single(await CommandBackend.CommandEntriesAsync(_host, "archive"));
        Assert.Equal((AuditActions.Archive, stale, 2), (entry.Action, entry.ResourceId, entry.Revision));
        Assert.Equal(Environment.UserName, entry.Actor.Name);
        Assert.Equal(AuditAuthMethods.Command, entry.Actor.AuthMethod);
        Assert.Equal(Environment.MachineName, entry.Origin.Address);
    }

    [Fact]
    public async Task Archive_DryRun_ReportsAndMovesNothing()
    {
        var stale = await DisabledCredentialAsync("stale");
        _host.Factory.Time.Advance(TimeSpan.FromDays(2));

        var (exit, output, _) = await CommandBackend.RunAsync(_host.Factory.Services, "archive", "--days", "1", "--dry-run");

        Assert.Equal(0, exit);
        Assert.Contains($"[1/1] {stale}: would be archived", output, StringComparison.Ordinal);
        Assert.Contains("nothing was moved", output, StringComparison.Ordinal);
        Assert.NotNull(await _host.Get<IConfidantStore>().GetAsync(stale));
        Assert.Empty(await CommandBackend.CommandEntriesAsync(_host, "archive"));
    }

    [Fact]
    public async Task Archive_Ids_ArchivesTheAllowedAndReportsEachRefusal()
    {
        var disabled = await DisabledCredentialAsync("old");
        var enabled = (await _host.CreateCredentialAsync("live", ("k", "v"))).Item.Id;

        var (exit, output, error) = await CommandBackend.RunAsync(_host.Factory.Services, "archive", "--ids", $"{enabled},{disabled},nosuchid");

        Assert.Equal(1, exit);
        Assert.Contains($"[1/3] {enabled}: not archived: {Confidant.Services.Errors.ErrorMessages.CredentialStillEnabled}", error, StringComparison.Ordinal);
        Assert.Contains($"[2/3] {disabled}: archived", output, StringComparison.Ordinal);
        Assert.Contains("[3/3] nosuchid: not archived:", error, StringComparison.Ordinal);
        Assert.Contains("archive: 1 archived, 2 refused", output, StringComparison.Ordinal);
        Assert.NotNull(await _host.Get<IConfidantStore>().GetAsync(enabled));
        Assert.Null(await _host.Get<IConfidantStore>().GetAsync(disabled));
    }

    [Fact]
    public async Task Restore_Ids_BringsBackTheCredentialWithEveryRevisionAndItsValues()
    {
        var id = await DisabledCredentialAsync("comeback");
        Assert.Equal(0, (await CommandBackend.RunAsync(_host.Factory.Services, "archive", "--ids", id)).Exit);

        var (exit, output, error) = await CommandBackend.RunAsync(_host.Factory.Services, "restore", "--ids", $"{id},nosuchid");

        Assert.Equal(1, exit);
        Assert.Contains($"[1/2] {id}: restored at revision 2", output, StringComparison.Ordinal);
        Assert.Contains("[2/2] nosuchid: not restored:", error, StringComparison.Ordinal);
        var store = _host.Get<IConfidantStore>();
        Assert.NotNull(await store.GetAsync($"{id}-1"));
        Assert.Empty(await ArchivedAsync(id));
        var restored = await _host.Get<CredentialReader>().GetAsync(ApiTestHost.Alice, id);
        Assert.Equal("s3cret", TestData.Value(restored.Pairs, "password"));
        var entry = Assert.Single(await CommandBackend.CommandEntriesAsync(_host, "restore"));
        Assert.Equal((AuditActions.Restore, id, AuditAuthMethods.Command), (entry.Action, entry.ResourceId, entry.Actor.AuthMethod));
    }

    private async Task<string> DisabledCredentialAsync(string name)
    {
        var id = (await _host.CreateCredentialAsync(name, ("password", "s3cret"))).Item.Id;
        await _host.Get<CredentialService>().UpdateAsync(ApiTestHost.Alice, id, new CredentialInput { Enabled = false });
        return id;
    }

    private async Task<List<StoredItem>> ArchivedAsync(string id)
    {
        var store = _host.Get<IConfidantStore>();
        var current = (await store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items;
        var revisions = (await store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items;
        return [.. current.Concat(revisions).Where(i => i.BaseId == id)];
    }
}
