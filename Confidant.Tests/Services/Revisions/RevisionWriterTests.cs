using System.Diagnostics;
using Confidant.Services;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Revisions;

/// <summary>
/// How long an update without an expected revision keeps trying against a store where it always loses the race:
/// <c>Storage:WriteRetrySeconds</c>, then 503 (busy store), never a 409 the caller did not ask for. An update that
/// named a stale revision is a 409 at once.
/// </summary>
public sealed class RevisionWriterTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(
        new Dictionary<string, string?> { ["Storage:WriteRetrySeconds"] = "1" },
        configureServices: services => ServiceDecoration.Decorate<IConfidantStore>(services, (_, inner) => new AlwaysOvertakenStore(inner)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UpdateAsync_AlwaysOvertakenWithoutExpectedRevision_BusyStoreAfterTheBudget()
    {
        var id = (await _host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")))).Item.Id;
        var took = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            _host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, id, new CredentialInput { Documentation = "b" }));

        Assert.Equal((Dependency.Store, FailureClass.Busy), (error.Dependency, error.Failure));
        Assert.InRange(took.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task UpdateAsync_OvertakenWithExpectedRevision_ConflictAtOnce()
    {
        var id = (await _host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")))).Item.Id;
        var took = Stopwatch.StartNew();

        await Assert.ThrowsAsync<RevisionConflictException>(() =>
            _host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, id, new CredentialInput { Documentation = "b", ExpectedRevision = 1 }));

        Assert.True(took.Elapsed < TimeSpan.FromSeconds(1), $"took {took.Elapsed}");
    }

    [Fact]
    public void Backoff_AnyAttempt_BetweenZeroAndItsGrowingCap()
    {
        var waits = Enumerable.Range(0, 2000).Select(i => (Attempt: i % 20, Wait: RevisionWriter.Backoff(i % 20))).ToList();

        Assert.All(waits, w => Assert.InRange(w.Wait, TimeSpan.Zero, TimeSpan.FromMilliseconds(Math.Min(250, 5 << Math.Min(w.Attempt, 16)))));
        Assert.True(waits.Where(w => w.Attempt == 19).Max(w => w.Wait) > TimeSpan.FromMilliseconds(100), "later attempts wait longer");
    }

    /// <summary>The real store, except that another writer always takes the next revision first.</summary>
    private sealed class AlwaysOvertakenStore(IConfidantStore inner) : IConfidantStore
    {
        public Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
            inner.GetManyAsync(ids, cancellationToken);

        public Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
            inner.QueryAsync(dataType, request, cancellationToken);

        public Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default) =>
            inner.FindIdsByNameAsync(dataType, name, cancellationToken);

        public Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default) =>
            current.Revision == 1
                ? inner.WriteRevisionAsync(current, cancellationToken)
                : throw new RevisionConflictException(current.Id, current.Revision);

        public Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default) => inner.TouchAsync(item, cancellationToken);

        public Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default) =>
            inner.ArchiveAsync(id, expectedRevision, archiveDate, cancellationToken);

        public Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
            inner.QueryArchiveAsync(dataType, request, cancellationToken);

        public Task<NamePage> ListNamesAsync(StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
            inner.ListNamesAsync(table, dataType, request, cancellationToken);

        public Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default) => inner.RestoreAsync(id, cancellationToken);

        public Task<bool> PutExposureAsync(Confidant.Services.Exposure.ExposureMark mark, CancellationToken cancellationToken = default) =>
            inner.PutExposureAsync(mark, cancellationToken);

        public Task<bool> SetFingerprintsAsync(
            string id, int revision, Confidant.Services.Exposure.ValueFingerprints fingerprints, CancellationToken cancellationToken = default) =>
            inner.SetFingerprintsAsync(id, revision, fingerprints, cancellationToken);
        public Task<DataKeyRewrite> RewriteDataKeyAsync(StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default) =>
            inner.RewriteDataKeyAsync(table, rewritten, expectedDataKey, cancellationToken);

        public Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default) => inner.SaveJobAsync(job, cancellationToken);

        public Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default) =>
            inner.DeleteJobAsync(id, revision, cancellationToken);
    }
}
