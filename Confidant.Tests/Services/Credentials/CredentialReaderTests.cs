using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Catalogue;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Credentials;

public sealed class CredentialReaderTests : IAsyncLifetime
{
    private static readonly ConfidantPrincipal Reader = ConfidantPrincipal.ForUser("rita@example.com", roles: new HashSet<string> { ConfidantRoles.Reader });
    private static readonly ConfidantPrincipal Editor = ConfidantPrincipal.ForUser("eddie@example.com", roles: new HashSet<string> { ConfidantRoles.Editor });

    private DomainHost _host = null!;

    private CredentialService Service => _host.Get<CredentialService>();

    private CredentialReader Credentials => _host.Get<CredentialReader>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetRevisionAsync_MetadataOnly_ListsKeysWithoutValuesOrAuditRecord()
    {
        var id = await TwoRevisionsAsync();

        var first = await Credentials.GetRevisionAsync(Reader, id, 1);

        Assert.Equal(1, first.Item.Revision);
        Assert.Equal(["user", "password"], first.Keys);
        Assert.Null(first.Pairs);
        Assert.Empty(await RevealsAsync(id));
    }

    [Fact]
    public async Task GetRevisionAsync_EditorReveal_ReturnsThatRevisionsValuesAndRecordsIt()
    {
        var id = await TwoRevisionsAsync();

        var first = await Credentials.GetRevisionAsync(Editor, id, 1, metadataOnly: false);

        Assert.Equal("hunter1", TestData.Value(first.Pairs, "password"));
        var reveal = Assert.Single(await RevealsAsync(id));
        Assert.Equal((Editor.Name, 1), (reveal.Actor.Name, reveal.Revision));
    }

    [Fact]
    public async Task GetRevisionAsync_ReaderReveal_IsForbiddenAndRecordedAsDenied()
    {
        var id = await TwoRevisionsAsync();

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Credentials.GetRevisionAsync(Reader, id, 1, metadataOnly: false));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        var denied = Assert.Single(await RevealsAsync(id));
        Assert.Equal((AuditOutcomes.Denied, Reader.Name, 1), (denied.Outcome, denied.Actor.Name, denied.Revision));
    }

    [Fact]
    public async Task GetRevisionAsync_UnknownRevision_NotFound()
    {
        var id = await TwoRevisionsAsync();

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Credentials.GetRevisionAsync(Editor, id, 3));

        Assert.Equal(ConfidantErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task ArchivedCredentials_OnlyArchivedCredentials_WithTheirArchiveDate()
    {
        var archived = await TwoRevisionsAsync("old-db", enabledAtEnd: false);
        await TwoRevisionsAsync("live-db");
        _host.Time.Advance(TimeSpan.FromHours(1));
        await Service.ArchiveAsync(DomainHost.Alice, archived, force: true);

        var list = await _host.Get<ResourceCatalogue>().ArchivedCredentialsAsync(Reader);

        var only = Assert.Single(list);
        Assert.Equal((archived, 2, "old-db"), (only.Id, only.Revision, only.Name));
        Assert.Equal(_host.Time.GetUtcNow(), only.ArchiveDate);
    }

    [Fact]
    public async Task ArchivedCredentials_WithoutRole_Forbidden()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => _host.Get<ResourceCatalogue>().ArchivedCredentialsAsync(ConfidantPrincipal.ForUser("nobody", roles: new HashSet<string>())));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
    }

    private async Task<string> TwoRevisionsAsync(string name = "db", bool enabledAtEnd = true)
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential(name, ("user", "ops"), ("password", "hunter1")));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, TestData.Credential(name, ("user", "ops"), ("password", "hunter2")) with { Enabled = enabledAtEnd });
        return created.Item.Id;
    }

    private async Task<List<AuditEntry>> RevealsAsync(string id) =>
        (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: id))).Records.Select(r => r.Entry).Where(e => e.Action == AuditActions.Reveal).ToList();
}
