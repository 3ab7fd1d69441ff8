using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

public abstract partial class ConfidantStoreContract
{
    [Fact]
    public async Task WriteRevisionAsync_NextRevision_ReplacesCurrentAndKeepsEarlierRecordsAsync()
    {
        var first = Credential(NewId());
        var second = first with { Revision = 2, Name = "renamed", ModifiedDate = At(2) };
        await Store.WriteRevisionAsync(first);

        await Store.WriteRevisionAsync(second);

        AssertSameItem(second, await Store.GetAsync(first.Id));
        AssertSameItem(first.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 1)));
        AssertSameItem(second.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 2)));
    }

    [Fact]
    public async Task WriteRevisionAsync_RevisionRecordGiven_WritesTheSameResourceAsync()
    {
        var first = Service("svc-from-record");
        await Store.WriteRevisionAsync(first.AsRevisionRecord());

        AssertSameItem(first, await Store.GetAsync(first.Id));
    }

    [Theory]
    [InlineData(1)] // stale: revision 1 exists
    [InlineData(2)] // stale: revision 2 exists
    [InlineData(4)] // skips revision 3
    public async Task WriteRevisionAsync_WrongExpectedRevision_ThrowsAndWritesNothingAsync(int attempted)
    {
        var first = Credential(NewId());
        var second = first with { Revision = 2, ModifiedDate = At(2) };
        await Store.WriteRevisionAsync(first);
        await Store.WriteRevisionAsync(second);
        var loser = first with { Revision = attempted, ModifiedBy = "mallory@example.com", ModifiedDate = At(50) };

        var error = await Assert.ThrowsAsync<RevisionConflictException>(() => Store.WriteRevisionAsync(loser));

        Assert.Equal(attempted, error.AttemptedRevision);
        Assert.Equal(first.Id, error.Reference);
        AssertSameItem(second, await Store.GetAsync(first.Id));
        var records = await Store.GetManyAsync(Enumerable.Range(1, 5).Select(n => RevisionId.Of(first.Id, n)));
        Assert.Equal(2, records.Count);
        Assert.DoesNotContain(records, record => record.ModifiedBy == loser.ModifiedBy);
    }

    [Fact]
    public async Task WriteRevisionAsync_FirstRevisionWhenItemExists_ThrowsAsync()
    {
        var first = Service("svc-exists");
        await Store.WriteRevisionAsync(first);

        await Assert.ThrowsAsync<RevisionConflictException>(
            () => Store.WriteRevisionAsync(first with { ModifiedBy = "someone-else" }));

        AssertSameItem(first, await Store.GetAsync(first.Id));
    }

    [Fact]
    public async Task WriteRevisionAsync_32ConcurrentWriters_EveryWriteLandsOnceAndRevisionsAreContiguousAsync()
    {
        // Spec §13.36: concurrent updates must not overwrite each other's revision records.
        const int Writers = 32;
        var id = NewId();
        await Store.WriteRevisionAsync(Credential(id));

        async Task WriteUntilLandedAsync(int writer)
        {
            for (var attempt = 0; ; attempt++)
            {
                Assert.True(attempt < 500, $"writer {writer} never landed");
                var current = await Store.GetAsync(id);
                var next = ((CredentialItem)current!) with
                {
                    Revision = current.Revision + 1,
                    ModifiedBy = $"writer-{writer}",
                    ModifiedDate = At(100 + writer, attempt),
                };
                try
                {
                    await Store.WriteRevisionAsync(next);
                    return;
                }
                catch (RevisionConflictException)
                {
                    // Someone else took this revision: reload and retry.
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteUntilLandedAsync(writer))));

        var current = await Store.GetAsync(id);
        Assert.Equal(Writers + 1, current!.Revision);
        var records = await Store.GetManyAsync(Enumerable.Range(1, Writers + 5).Select(n => RevisionId.Of(id, n)));
        Assert.Equal(
            Enumerable.Range(1, Writers + 1).Select(n => RevisionId.Of(id, n)).Order(StringComparer.Ordinal),
            records.Select(record => record.Id).Order(StringComparer.Ordinal));
        Assert.Equal(
            Enumerable.Range(0, Writers).Select(writer => $"writer-{writer}").Order(StringComparer.Ordinal),
            records.Where(record => record.Revision > 1).Select(record => record.ModifiedBy).Order(StringComparer.Ordinal));
        AssertSameItem(records.Single(record => record.Revision == Writers + 1).AsCurrentItem(), current);
    }

    [Fact]
    public async Task WriteRevisionAsync_OrphanedRevisionRecord_IsRolledForwardByTheNextWriterAsync()
    {
        var first = Credential(NewId());
        var second = first with { Revision = 2, ModifiedDate = At(2) };
        await Store.WriteRevisionAsync(first);
        await Store.WriteRevisionAsync(second);
        // A writer that stopped between its two puts left record 3 while the current item is still at 2.
        var orphan = first with { Revision = 3, ModifiedBy = "crashed-writer", ModifiedDate = At(3) };
        await PutRawAsync(orphan.AsRevisionRecord());

        await Assert.ThrowsAsync<RevisionConflictException>(
            () => Store.WriteRevisionAsync(second with { Revision = 3, ModifiedBy = "next-writer", ModifiedDate = At(4) }));

        AssertSameItem(orphan, await Store.GetAsync(first.Id));
        var retry = orphan with { Revision = 4, ModifiedBy = "next-writer", ModifiedDate = At(5) };
        await Store.WriteRevisionAsync(retry);
        AssertSameItem(retry, await Store.GetAsync(first.Id));
        AssertSameItem(orphan.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 3)));
    }

    [Fact]
    public async Task WriteRevisionAsync_OrphanedFirstRecord_IsRolledForwardAsync()
    {
        var orphan = Service("svc-orphan");
        await PutRawAsync(orphan.AsRevisionRecord());

        await Assert.ThrowsAsync<RevisionConflictException>(
            () => Store.WriteRevisionAsync(orphan with { ModifiedBy = "other" }));

        AssertSameItem(orphan, await Store.GetAsync(orphan.Id));
    }
}
