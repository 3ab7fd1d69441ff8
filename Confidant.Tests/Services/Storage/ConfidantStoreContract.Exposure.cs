using Confidant.Services.Exposure;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

/// <summary>Exposure marks (conditional versions, no revision records) and fingerprints kept with credential revisions.</summary>
public abstract partial class ConfidantStoreContract
{
    [Fact]
    public async Task PutExposureAsync_NewMark_ReadBackByIdAndByItsDataTypeOnlyAsync()
    {
        var credential = FullCredential(NewId());
        await Store.WriteRevisionAsync(credential);
        var mark = Mark(credential.Id);

        Assert.True(await Store.PutExposureAsync(mark));

        AssertSameItem(mark, await Store.GetAsync(mark.Id));
        AssertSameItem(mark, Assert.Single((await Store.QueryAsync(DataType.Exposure, PageRequest.All)).Items));
        Assert.Equal([credential.Id], (await Store.QueryAsync(DataType.Credential, PageRequest.All)).Items.Select(i => i.Id));
        Assert.Null(await Store.GetAsync(RevisionId.Of(mark.Id, 1)));
    }

    [Fact]
    public async Task PutExposureAsync_ClearedMarkWithEveryField_RoundTripsAsync()
    {
        var mark = Mark(NewId(), cleared: true);
        Assert.True(await Store.PutExposureAsync(mark with { Revision = 1, Enabled = true, ClearedAt = null, ClearedBy = null, ClearedRevision = null }));

        Assert.True(await Store.PutExposureAsync(mark));

        var read = Assert.IsType<ExposureMark>(await Store.GetAsync(mark.Id));
        AssertSameItem(mark, read);
        Assert.False(read.IsActive);
        Assert.Equal(mark.Pairs, read.Pairs);
    }

    [Fact]
    public async Task PutExposureAsync_VersionOneOfAnExistingId_FalseAndKeepsTheFirstAsync()
    {
        var mark = Mark(NewId());
        await Store.PutExposureAsync(mark);

        Assert.False(await Store.PutExposureAsync(mark with { Reason = "another writer" }));

        Assert.Equal(mark.Reason, Assert.IsType<ExposureMark>(await Store.GetAsync(mark.Id)).Reason);
    }

    [Fact]
    public async Task PutExposureAsync_LaterVersions_OnlyOverTheVersionBeforeAsync()
    {
        var mark = Mark(NewId());
        await Store.PutExposureAsync(mark);

        Assert.True(await Store.PutExposureAsync(mark with { Revision = 2, Reason = "second" }));
        Assert.False(await Store.PutExposureAsync(mark with { Revision = 2, Reason = "lost the race" }));
        Assert.False(await Store.PutExposureAsync(mark with { Revision = 4, Reason = "skips a version" }));
        Assert.False(await Store.PutExposureAsync(Mark(NewId()) with { Revision = 2, Reason = "nothing to replace" }));

        var read = Assert.IsType<ExposureMark>(await Store.GetAsync(mark.Id));
        Assert.Equal(2, read.Revision);
        Assert.Equal("second", read.Reason);
        Assert.Single((await Store.QueryAsync(DataType.Exposure, PageRequest.All)).Items);
    }

    [Fact]
    public async Task WriteRevisionAsync_CredentialWithFingerprints_KeptWithCurrentAndRevisionRecordAsync()
    {
        var item = FullCredential(NewId()) with { Fingerprints = Fingerprints() };

        await Store.WriteRevisionAsync(item);

        Assert.Equal(Fingerprints(), Assert.IsType<CredentialItem>(await Store.GetAsync(item.Id)).Fingerprints);
        Assert.Equal(Fingerprints(), Assert.IsType<CredentialItem>(await Store.GetAsync(RevisionId.Of(item.Id, 1))).Fingerprints);
    }

    [Fact]
    public async Task SetFingerprintsAsync_CurrentAndRevisionRecord_SetsThemAndNothingElseAsync()
    {
        var first = FullCredential(NewId());
        var second = first with { Revision = 2, ModifiedDate = At(2), Documentation = "second" };
        await Store.WriteRevisionAsync(first);
        await Store.WriteRevisionAsync(second);

        Assert.True(await Store.SetFingerprintsAsync(RevisionId.Of(first.Id, 1), 1, Fingerprints("k1")));
        Assert.True(await Store.SetFingerprintsAsync(first.Id, 2, Fingerprints("k2")));

        AssertSameItem(((CredentialItem)first.AsRevisionRecord()) with { Fingerprints = Fingerprints("k1") }, await Store.GetAsync(RevisionId.Of(first.Id, 1)));
        AssertSameItem(second with { Fingerprints = Fingerprints("k2") }, await Store.GetAsync(first.Id));
        Assert.Null(Assert.IsType<CredentialItem>(await Store.GetAsync(RevisionId.Of(first.Id, 2))).Fingerprints);
    }

    [Fact]
    public async Task SetFingerprintsAsync_ItemRewrittenMeanwhile_KeepsTheRewrittenDataKeyAsync()
    {
        // Another writer (a re-key) rewrapped the data key of the same revision after it was read for fingerprinting.
        var item = FullCredential(NewId());
        await Store.WriteRevisionAsync(item);
        var rewrapped = item with { DataKey = "cmV3cmFwcGVk", CredentialPairs = "gAAAAABrewrapped" };
        await PutRawAsync(rewrapped);

        Assert.True(await Store.SetFingerprintsAsync(item.Id, 1, Fingerprints()));

        AssertSameItem(rewrapped with { Fingerprints = Fingerprints() }, await Store.GetAsync(item.Id));
    }

    [Fact]
    public async Task SetFingerprintsAsync_StaleRevisionMissingItemOrNotACredential_FalseAndNothingChangesAsync()
    {
        var credential = Credential(NewId(), revision: 1);
        var service = FullService("payments-api");
        var blind = FullBlindCredential(NewId());
        await Store.WriteRevisionAsync(credential);
        await Store.WriteRevisionAsync(credential with { Revision = 2, ModifiedDate = At(2) });
        await Store.WriteRevisionAsync(service);
        await Store.WriteRevisionAsync(blind);

        Assert.False(await Store.SetFingerprintsAsync(credential.Id, 1, Fingerprints()));
        Assert.False(await Store.SetFingerprintsAsync(NewId(), 1, Fingerprints()));
        Assert.False(await Store.SetFingerprintsAsync(service.Id, 1, Fingerprints()));
        Assert.False(await Store.SetFingerprintsAsync(blind.Id, 1, Fingerprints()));

        Assert.Null(Assert.IsType<CredentialItem>(await Store.GetAsync(credential.Id)).Fingerprints);
        AssertSameItem(service, await Store.GetAsync(service.Id));
        AssertSameItem(blind, await Store.GetAsync(blind.Id));
        Assert.Null(await Store.GetAsync(NewId()));
    }

    [Fact]
    public async Task RewriteDataKeyAsync_CredentialWithFingerprints_KeepsTheStoredFingerprintsAsync()
    {
        // The job's rewrite names the data key and ciphertext only: the values, hence their fingerprints, are unchanged.
        var item = FullCredential(NewId()) with { Fingerprints = Fingerprints() };
        await Store.WriteRevisionAsync(item);
        var record = (CredentialItem)item.AsRevisionRecord();

        var current = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(item) with { Fingerprints = null }, item.DataKey);
        var revision = await Store.RewriteDataKeyAsync(StoreTable.Primary, Rewritten(record) with { Fingerprints = null }, item.DataKey);

        Assert.True(current.Rewritten && revision.Rewritten);
        AssertSameItem(Rewritten(item), current.Current);
        AssertSameItem(Rewritten(item), await Store.GetAsync(item.Id));
        AssertSameItem(Rewritten(record), await Store.GetAsync(record.Id));
        Assert.Equal(Fingerprints(), Assert.IsType<CredentialItem>(await Store.GetAsync(record.Id)).Fingerprints);
    }

    [Fact]
    public async Task RewriteDataKeyAsync_ExposureMarkId_RefusedAndTheMarkLeftAloneAsync()
    {
        var mark = Mark(NewId());
        await Store.PutExposureAsync(mark);
        var posing = Credential(mark.Id) with { Revision = mark.Revision };

        var result = await Store.RewriteDataKeyAsync(StoreTable.Primary, posing with { DataKey = "AgMEBQYH" }, posing.DataKey);

        Assert.False(result.Rewritten);
        AssertSameItem(mark, result.Current);
        AssertSameItem(mark, await Store.GetAsync(mark.Id));
        Assert.Empty((await Store.QueryAsync(DataType.Credential, PageRequest.All)).Items);
    }
}
