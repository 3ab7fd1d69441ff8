using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

/// <summary>
/// The behaviour every <see cref="IConfidantStore"/> backend must have; derived once per backend. Each test gets
/// fresh, empty storage.
/// </summary>
public abstract partial class ConfidantStoreContract : IAsyncLifetime
{
    protected IConfidantStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IConfidantStore> CreateStoreAsync();

    /// <summary>Writes an item into the primary table as is, bypassing every check (another server's write).</summary>
    protected abstract Task PutRawAsync(StoredItem item);

    protected static void AssertSameItem(StoredItem expected, StoredItem? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(StoredItemJson.Serialize(expected), StoredItemJson.Serialize(actual));
    }

    [Theory]
    [MemberData(nameof(Kinds), MemberType = typeof(Support.StoredItemSamples))]
    public async Task WriteRevisionAsync_EveryItemKind_RoundTripsCurrentAndRevisionRecordAsync(string kind)
    {
        var item = Sample(kind, NewId());

        await Store.WriteRevisionAsync(item);

        AssertSameItem(item, await Store.GetAsync(item.Id));
        AssertSameItem(item.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(item.Id, 1)));
    }

    [Fact]
    public async Task WriteRevisionAsync_DatesWithSubMicrosecondTicks_KeepsExactlyMicrosecondsAsync()
    {
        // Spec §6.4: six fractional digits are stored; finer ticks cannot survive, microseconds must.
        var item = FullCredential(NewId()) with { ModifiedDate = At(1, 654_321).AddTicks(7) };

        await Store.WriteRevisionAsync(item);

        var read = Assert.IsType<CredentialItem>(await Store.GetAsync(item.Id));
        Assert.Equal(At(1, 654_321), read.ModifiedDate);
        Assert.Equal(TimeSpan.Zero, read.ModifiedDate.Offset);
        Assert.Equal(item.LastRotationDate, read.LastRotationDate);
        Assert.Equal(item.LastDecryptedDate, read.LastDecryptedDate);
    }

    [Fact]
    public async Task GetAsync_MissingId_ReturnsNullAsync()
    {
        await Store.WriteRevisionAsync(Credential(NewId()));

        Assert.Null(await Store.GetAsync(NewId()));
    }

    [Fact]
    public async Task GetManyAsync_MissingAndDuplicateIds_ReturnsEachExistingItemOnceAsync()
    {
        var first = Credential(NewId());
        var second = Service("web-production");
        await Store.WriteRevisionAsync(first);
        await Store.WriteRevisionAsync(second);

        var items = await Store.GetManyAsync([first.Id, NewId(), second.Id, first.Id, RevisionId.Of(second.Id, 1)]);

        Assert.Equal(
            new[] { first.Id, second.Id, RevisionId.Of(second.Id, 1) }.Order(StringComparer.Ordinal),
            items.Select(item => item.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetManyAsync_NoIds_ReturnsEmptyAsync()
    {
        await Store.WriteRevisionAsync(Credential(NewId()));

        Assert.Empty(await Store.GetManyAsync([]));
    }

    [Fact]
    public async Task GetManyAsync_250Ids_ReturnsAllAcrossBatchesAsync()
    {
        // Spec §6.3: BatchGet works in chunks of 100; 250 ids cross two chunk boundaries.
        var ids = Enumerable.Range(0, 250).Select(_ => NewId()).ToList();
        foreach (var id in ids)
        {
            await PutRawAsync(Service(id));
        }

        var items = await Store.GetManyAsync(ids.Append(NewId()));

        Assert.Equal(ids.Order(StringComparer.Ordinal), items.Select(item => item.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindIdsByNameAsync_Name_ReturnsExactCaseSensitiveMatchesOfThatTypeOnlyAsync()
    {
        var match = Credential(NewId(), name: "Deploy Key");
        await Store.WriteRevisionAsync(match);
        await Store.WriteRevisionAsync(Credential(NewId(), name: "deploy key"));
        await Store.WriteRevisionAsync(Credential(NewId(), name: "Deploy Key 2"));
        await Store.WriteRevisionAsync(BlindCredential(NewId(), name: "Deploy Key"));

        var ids = await Store.FindIdsByNameAsync(DataType.Credential, "Deploy Key");

        Assert.Equal([match.Id], ids);
    }

    [Fact]
    public async Task FindIdsByNameAsync_RevisionType_FindsRevisionRecordsAsync()
    {
        var item = Credential(NewId(), name: "history");
        await Store.WriteRevisionAsync(item);
        await Store.WriteRevisionAsync(item with { Revision = 2, ModifiedDate = At(2) });

        var ids = await Store.FindIdsByNameAsync(DataType.ArchiveCredential, "history");

        Assert.Equal(
            new[] { RevisionId.Of(item.Id, 1), RevisionId.Of(item.Id, 2) },
            ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TouchAsync_SameRevision_RewritesBookkeepingOnlyAsync()
    {
        var item = Credential(NewId());
        await Store.WriteRevisionAsync(item);
        var touched = item with { LastDecryptedDate = At(500, 42) };

        await Store.TouchAsync(touched);

        AssertSameItem(touched, await Store.GetAsync(item.Id));
        AssertSameItem(item.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(item.Id, 1)));
    }

    [Fact]
    public async Task TouchAsync_StaleRevision_ThrowsAndChangesNothingAsync()
    {
        var item = Credential(NewId());
        await Store.WriteRevisionAsync(item);
        var second = item with { Revision = 2, ModifiedDate = At(2) };
        await Store.WriteRevisionAsync(second);

        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.TouchAsync(item with { LastDecryptedDate = At(9) }));

        AssertSameItem(second, await Store.GetAsync(item.Id));
    }

    [Fact]
    public async Task TouchAsync_MissingItem_ThrowsAsync()
    {
        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.TouchAsync(Credential(NewId())));
    }
}
