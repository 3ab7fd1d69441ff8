using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

public abstract partial class ConfidantStoreContract
{
    private async Task<(CredentialItem First, CredentialItem Second)> WriteTwoRevisionsAsync()
    {
        var first = FullCredential(NewId());
        var second = first with { Revision = 2, ModifiedDate = At(2), Enabled = false };
        await Store.WriteRevisionAsync(first);
        await Store.WriteRevisionAsync(second);
        return (first, second);
    }

    [Fact]
    public async Task ArchiveAsync_Credential_MovesCurrentAndEveryRecordStampedWithArchiveDateAsync()
    {
        var (first, second) = await WriteTwoRevisionsAsync();
        var other = Credential(NewId());
        await Store.WriteRevisionAsync(other);
        var archiveDate = At(1000, 999_999);

        await Store.ArchiveAsync(first.Id, 2, archiveDate);

        Assert.Empty(await Store.GetManyAsync([first.Id, RevisionId.Of(first.Id, 1), RevisionId.Of(first.Id, 2)]));
        Assert.NotNull(await Store.GetAsync(other.Id));
        var current = await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All);
        AssertSameItem(second with { ArchiveDate = archiveDate }, Assert.Single(current.Items));
        var records = await Store.QueryArchiveAsync(DataType.ArchiveCredential, new PageRequest(Descending: true));
        Assert.Equal(2, records.Items.Count);
        AssertSameItem(second.AsRevisionRecord() with { ArchiveDate = archiveDate }, records.Items[0]);
        AssertSameItem(first.AsRevisionRecord() with { ArchiveDate = archiveDate }, records.Items[1]);
    }

    [Fact]
    public async Task ArchiveAsync_ServiceSharingIdPrefix_LeavesOtherResourcesAloneAsync()
    {
        // Spec §13.35: "svc-1" is a service of its own, not revision 1 of "svc".
        var service = Service("svc");
        var lookalike = Service("svc-1-x");
        await Store.WriteRevisionAsync(service);
        await Store.WriteRevisionAsync(lookalike);

        await Store.ArchiveAsync(service.Id, 1, At(9));

        AssertSameItem(lookalike, await Store.GetAsync(lookalike.Id));
        Assert.Null(await Store.GetAsync("svc-1"));
    }

    [Fact]
    public async Task RestoreAsync_ArchivedCredential_BringsEverythingBackAndEmptiesTheArchiveAsync()
    {
        var (first, second) = await WriteTwoRevisionsAsync();
        await Store.ArchiveAsync(first.Id, 2, At(1000));

        Assert.True(await Store.RestoreAsync(first.Id));

        AssertSameItem(second, await Store.GetAsync(first.Id));
        AssertSameItem(first.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 1)));
        AssertSameItem(second.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 2)));
        Assert.Empty((await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items);
        Assert.Empty((await Store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items);
    }

    [Fact]
    public async Task RestoreAsync_ItemAlreadyInPrimaryTable_KeepsTheExistingItemAsync()
    {
        var (first, _) = await WriteTwoRevisionsAsync();
        await Store.ArchiveAsync(first.Id, 2, At(1000));
        var replacement = Credential(first.Id, name: "created again");
        await Store.WriteRevisionAsync(replacement);

        Assert.True(await Store.RestoreAsync(first.Id));

        AssertSameItem(replacement, await Store.GetAsync(first.Id));
        AssertSameItem(replacement.AsRevisionRecord(), await Store.GetAsync(RevisionId.Of(first.Id, 1)));
        Assert.NotNull(await Store.GetAsync(RevisionId.Of(first.Id, 2)));
    }

    [Fact]
    public async Task RestoreAsync_NotArchived_ReturnsFalseAsync()
    {
        var item = Credential(NewId());
        await Store.WriteRevisionAsync(item);

        Assert.False(await Store.RestoreAsync(item.Id));
        AssertSameItem(item, await Store.GetAsync(item.Id));
    }

    [Fact]
    public async Task ArchiveAsync_30Revisions_MovesAndRestoresEveryRecordAsync()
    {
        // More items than one DynamoDB BatchWriteItem call takes (25).
        var item = Credential(NewId());
        for (var revision = 1; revision <= 30; revision++)
        {
            await Store.WriteRevisionAsync(item with { Revision = revision, ModifiedDate = At(revision) });
        }

        await Store.ArchiveAsync(item.Id, 30, At(1000));

        var recordIds = Enumerable.Range(1, 30).Select(n => RevisionId.Of(item.Id, n)).ToList();
        Assert.Empty(await Store.GetManyAsync(recordIds.Append(item.Id)));
        Assert.Equal(30, (await Store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items.Count);

        Assert.True(await Store.RestoreAsync(item.Id));

        Assert.Equal(31, (await Store.GetManyAsync(recordIds.Append(item.Id))).Count);
        Assert.Empty((await Store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items);
    }

    [Fact]
    public async Task ArchiveAsync_MissingId_ThrowsNotFoundAsync()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Store.ArchiveAsync(NewId(), 1, At(1)));

        Assert.Equal(ConfidantErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task ArchiveAsync_RevisionMovedOn_ConflictAndNothingMovedAsync()
    {
        var (first, second) = await WriteTwoRevisionsAsync();

        await Assert.ThrowsAsync<RevisionConflictException>(() => Store.ArchiveAsync(first.Id, 1, At(1000)));

        AssertSameItem(second, await Store.GetAsync(first.Id));
        Assert.Equal(2, (await Store.GetManyAsync([RevisionId.Of(first.Id, 1), RevisionId.Of(first.Id, 2)])).Count);
        Assert.Empty((await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items);
        Assert.Empty((await Store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items);
    }

    [Fact]
    public async Task ArchiveAsync_AlreadyInTheArchive_RefusedAndNothingMovedAsync()
    {
        // An archive that stopped half-way left its copy behind; another archive of the same id must not go on.
        var (first, second) = await WriteTwoRevisionsAsync();
        await Store.ArchiveAsync(first.Id, 2, At(1000));
        Assert.True(await Store.RestoreAsync(first.Id));
        await Store.ArchiveAsync(first.Id, 2, At(1001));
        var replacement = Credential(first.Id, name: "created again");
        await Store.WriteRevisionAsync(replacement);

        await Assert.ThrowsAsync<ArchiveInProgressException>(() => Store.ArchiveAsync(first.Id, 1, At(1002)));

        AssertSameItem(replacement, await Store.GetAsync(first.Id));
        AssertSameItem(second with { ArchiveDate = At(1001) }, Assert.Single((await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items));
    }
}
