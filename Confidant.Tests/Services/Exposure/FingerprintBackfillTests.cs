using Confidant.Services.Audit;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Exposure;

/// <summary>The backfill fingerprints revisions written before fingerprints were, leaves done ones alone, and is audited.</summary>
public sealed class FingerprintBackfillTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private IConfidantStore Store => _host.Get<IConfidantStore>();

    public async Task InitializeAsync() =>
        _host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Exposure:BackfillItemsPerSecond"] = "1000" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RunAsync_RevisionsWithoutFingerprints_FingerprintsThemAsTheWritesWouldHave()
    {
        var credentials = _host.Get<CredentialService>();
        var first = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        await credentials.UpdateAsync(DomainHost.Alice, first.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "p2")) });
        await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("done", ("token", "t")));
        var written = (await Store.GetAsync(first.Item.Id) as CredentialItem)!.Fingerprints;
        var oldRecord = (await Store.GetAsync(RevisionId.Of(first.Item.Id, 1)) as CredentialItem)!.Fingerprints;
        await ForgetFingerprintsAsync(first.Item.Id, 2);
        Assert.Equal(1, await _host.Get<FingerprintBackfill>().CountMissingAsync());

        var result = await _host.Get<FingerprintBackfill>().RunAsync(DomainHost.Alice);

        Assert.Equal((3, 2, 0), (result.Fingerprinted, result.AlreadyDone, result.Failed));
        Assert.Equal(written, (await Store.GetAsync(first.Item.Id) as CredentialItem)!.Fingerprints);
        Assert.Equal(written, (await Store.GetAsync(RevisionId.Of(first.Item.Id, 2)) as CredentialItem)!.Fingerprints);
        Assert.Equal(oldRecord, (await Store.GetAsync(RevisionId.Of(first.Item.Id, 1)) as CredentialItem)!.Fingerprints);
        Assert.Equal(0, await _host.Get<FingerprintBackfill>().CountMissingAsync());
        var record = Assert.Single((await _host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.FingerprintBackfill })).Records);
        Assert.Equal("3 revisions fingerprinted, 2 already, 0 failed", record.Entry.Detail);

        var again = await _host.Get<FingerprintBackfill>().RunAsync(DomainHost.Alice);
        Assert.Equal((0, 5, 0), (again.Fingerprinted, again.AlreadyDone, again.Failed));
    }

    /// <summary>Every revision of a credential as another Confidant wrote it: without fingerprints.</summary>
    private async Task ForgetFingerprintsAsync(string id, int revisions)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_host.DataDirectory, "confidant.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE items SET body = json_remove(body, '$.fingerprints') WHERE id = $id OR id LIKE $records";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$records", id + "-%");
        Assert.Equal(revisions + 1, await command.ExecuteNonQueryAsync());
    }
}
