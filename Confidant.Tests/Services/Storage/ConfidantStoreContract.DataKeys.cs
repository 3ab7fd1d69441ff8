using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

/// <summary>The store's part in re-encryption at rest: the conditional data-key rewrite, and a job's saved state.</summary>
public abstract partial class ConfidantStoreContract
{
    private const string NewDataKey = "AgMEBQYH";
    private const string NewPairs = "gAAAAABnew-pairs";

    [Fact]
    public async Task RewriteDataKeyAsync_CurrentItem_ReplacesKeyPairsAndCipherVersionKeepingEverythingElseAsync()
    {
        var item = FullCredential(NewId());
        await Store.WriteRevisionAsync(item);

        var result = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(item), item.DataKey);

        var expected = Rewritten(item);
        Assert.True(result.Rewritten);
        AssertSameItem(expected, result.Current);
        AssertSameItem(expected, await Store.GetAsync(item.Id));
        AssertSameItem(item.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(item.Id, 1)));
    }

    [Fact]
    public async Task RewriteDataKeyAsync_RevisionRecord_ReplacesOnlyThatRecordAsync()
    {
        var (first, second) = await WriteTwoRevisionsAsync();
        var record = (CredentialItem)first.AsRevisionRecord();

        var result = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(record), first.DataKey);

        Assert.True(result.Rewritten);
        AssertSameItem(Rewritten(record), await Store.GetAsync(record.Id));
        AssertSameItem(second, await Store.GetAsync(first.Id));
        AssertSameItem(second.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 2)));
    }

    [Fact]
    public async Task RewriteDataKeyAsync_ArchiveTable_ReplacesTheArchivedItemKeepingItsArchiveDateAsync()
    {
        var (_, second) = await WriteTwoRevisionsAsync();
        var archiveDate = At(500);
        await Store.ArchiveAsync(second.Id, 2, archiveDate);
        var archived = second with { ArchiveDate = archiveDate };

        var result = await Store.RewriteDataKeyAsync(StoreTable.Archive, Rewritten(archived), second.DataKey);

        Assert.True(result.Rewritten);
        AssertSameItem(Rewritten(archived), Assert.Single((await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items));
        Assert.Null(await Store.GetAsync(second.Id));
    }

    [Fact]
    public async Task RewriteDataKeyAsync_DataKeyChangedMeanwhile_RefusedAndAnswersTheItemAsItIsAsync()
    {
        var item = FullCredential(NewId());
        await Store.WriteRevisionAsync(item);
        await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(item), item.DataKey);

        var late = await Store.RewriteDataKeyAsync(StoreTable.Primary, item with { DataKey = "CQkJCQ==" }, item.DataKey);

        Assert.False(late.Rewritten);
        AssertSameItem(Rewritten(item), late.Current);
        AssertSameItem(Rewritten(item), await Store.GetAsync(item.Id));
    }

    [Fact]
    public async Task RewriteDataKeyAsync_RevisionWrittenMeanwhile_NeverOverwritesItAsync()
    {
        var (first, second) = await WriteTwoRevisionsAsync();

        // Read at revision 1, written back after revision 2 landed with the same data key.
        var stale = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(first), first.DataKey);

        Assert.False(stale.Rewritten);
        AssertSameItem(second, stale.Current);
        AssertSameItem(second, await Store.GetAsync(first.Id));
    }

    [Fact]
    public async Task RewriteDataKeyAsync_ItemGoneOrOfAnotherKind_RefusedWithoutCreatingAnythingAsync()
    {
        var missing = Credential(NewId());
        var service = Service(NewId());
        await Store.WriteRevisionAsync(service);

        var gone = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(missing), missing.DataKey);
        var other = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(Credential(service.Id)), missing.DataKey);

        Assert.Equal((false, null), (gone.Rewritten, gone.Current));
        Assert.Null(await Store.GetAsync(missing.Id));
        Assert.False(other.Rewritten);
        AssertSameItem(service, other.Current);
        AssertSameItem(service, await Store.GetAsync(service.Id));
    }

    [Fact]
    public async Task TouchAsync_ReadBeforeARewrite_NeverPutsTheOldDataKeyBackAsync()
    {
        var item = FullCredential(NewId());
        await Store.WriteRevisionAsync(item);
        await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(item), item.DataKey);

        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.TouchAsync(item with { LastDecryptedDate = At(77) }));

        AssertSameItem(Rewritten(item), await Store.GetAsync(item.Id));
    }

    [Fact]
    public async Task SaveJobAsync_NextRevisionOnly_EachSaveConditionalOnTheOneBeforeAsync()
    {
        var id = "job:" + NewId();
        await Store.SaveJobAsync(Job(id, 1, "{\"step\": 1}"));
        await Store.SaveJobAsync(Job(id, 2, "{\"step\": 2}"));

        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.SaveJobAsync(Job(id, 2, "{\"step\": \"lost\"}")));
        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.SaveJobAsync(Job(id, 1, "{\"step\": \"lost\"}")));
        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.SaveJobAsync(Job(id, 4, "{\"step\": \"skipped\"}")));

        AssertSameItem(Job(id, 2, "{\"step\": 2}"), await Store.GetAsync(id));
        Assert.Null(await Store.GetAsync(RevisionId.Of(id, 2)));
    }

    [Fact]
    public async Task SaveJobAsync_IdHeldByAnotherKind_RefusedAndLeftAloneAsync()
    {
        var service = Service(NewId());
        await Store.WriteRevisionAsync(service);

        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.SaveJobAsync(Job(service.Id, 2, "{}")));

        AssertSameItem(service, await Store.GetAsync(service.Id));
    }

    [Fact]
    public async Task SaveJobAsync_Job_NotListedWithTheOriginalsDataTypesAsync()
    {
        var credential = Credential(NewId());
        await Store.WriteRevisionAsync(credential);
        await Store.SaveJobAsync(Job("job:" + NewId(), 1, "{}"));

        foreach (var type in new[] { DataType.Credential, DataType.ArchiveCredential, DataType.BlindCredential, DataType.Service, DataType.ArchiveService })
        {
            Assert.DoesNotContain((await Store.QueryAsync(type, PageRequest.All)).Items, item => item is JobItem);
        }

        Assert.Single((await Store.QueryAsync(DataType.Job, PageRequest.All)).Items);
    }

    [Fact]
    public async Task DeleteJobAsync_AtItsRevisionOnly_DeletesTheJobAndNothingElseAsync()
    {
        var id = "job:" + NewId();
        await Store.SaveJobAsync(Job(id, 1, "{}"));
        await Store.SaveJobAsync(Job(id, 2, "{}"));
        var service = Service(NewId());
        await Store.WriteRevisionAsync(service);

        Assert.False(await Store.DeleteJobAsync(id, 1));
        Assert.False(await Store.DeleteJobAsync(service.Id, 1));
        Assert.False(await Store.DeleteJobAsync("job:" + NewId(), 1));
        AssertSameItem(Job(id, 2, "{}"), await Store.GetAsync(id));
        AssertSameItem(service, await Store.GetAsync(service.Id));

        Assert.True(await Store.DeleteJobAsync(id, 2));
        Assert.Null(await Store.GetAsync(id));
        Assert.False(await Store.DeleteJobAsync(id, 2));

        // Deleted, it starts again at revision 1.
        await Store.SaveJobAsync(Job(id, 1, "{\"again\": true}"));
        AssertSameItem(Job(id, 1, "{\"again\": true}"), await Store.GetAsync(id));
    }

    private static CredentialItem Rewritten(CredentialItem item) =>
        item with { DataKey = NewDataKey, CredentialPairs = NewPairs, CipherVersion = 2 };

    private static JobItem Job(string id, int revision, string body) => new()
    {
        Id = id,
        DataType = DataType.Job,
        Revision = revision,
        Enabled = true,
        ModifiedDate = At(revision),
        ModifiedBy = "worker",
        Body = body,
    };
}
