using Confidant.Services.Errors;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

public abstract partial class ConfidantStoreContract
{
    /// <summary>The list fields of a whole item, as the names read must give them.</summary>
    protected static NamedItem NamesOf(StoredItem item) => item switch
    {
        CredentialItem c => new(c.Id, c.DataType, c.Name, c.Enabled, c.Revision, c.ModifiedDate, c.ArchiveDate, 0),
        BlindCredentialItem b => new(b.Id, b.DataType, b.Name, b.Enabled, b.Revision, b.ModifiedDate, b.ArchiveDate, 0),
        ServiceItem s => new(s.Id, s.DataType, s.Id, s.Enabled, s.Revision, s.ModifiedDate, s.ArchiveDate, s.Credentials.Count + s.BlindCredentials.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.GetType().Name, "No names to list."),
    };

    [Theory]
    [InlineData(DataType.Credential)]
    [InlineData(DataType.BlindCredential)]
    [InlineData(DataType.Service)]
    public async Task ListNamesAsync_EveryKind_GivesTheListFieldsOfAFullReadAndNoRevisionRecordsAsync(DataType dataType)
    {
        var twice = Credential(NewId(), name: "rotated");
        await Store.WriteRevisionAsync(twice);
        await Store.WriteRevisionAsync(twice with { Revision = 2, ModifiedDate = At(40), Enabled = false });
        foreach (var kind in Kinds().Select(k => (string)k[0]))
        {
            await Store.WriteRevisionAsync(Sample(kind, NewId()));
        }

        var names = await Store.ListNamesAsync(StoreTable.Primary, dataType, PageRequest.All);

        var full = await Store.QueryAsync(dataType, PageRequest.All);
        Assert.Equal(full.Items.Select(NamesOf), names.Items);
        Assert.Equal(dataType == DataType.Credential ? 3 : 2, names.Items.Count);
        Assert.Null(names.NextToken);
    }

    [Fact]
    public async Task ListNamesAsync_ItemsOfEveryShape_NamesEnabledRevisionAndMappedCountAsync()
    {
        var disabled = FullCredential(NewId());
        var blind = FullBlindCredential(NewId());
        var mapping = FullService("web-production");
        var empty = Service("api-staging");
        foreach (var item in new StoredItem[] { disabled, blind, mapping, empty })
        {
            await Store.WriteRevisionAsync(item);
        }

        var credential = Assert.Single((await Store.ListNamesAsync(StoreTable.Primary, DataType.Credential, PageRequest.All)).Items);
        var blindName = Assert.Single((await Store.ListNamesAsync(StoreTable.Primary, DataType.BlindCredential, PageRequest.All)).Items);
        var services = (await Store.ListNamesAsync(StoreTable.Primary, DataType.Service, PageRequest.All)).Items;

        Assert.Equal(new NamedItem(disabled.Id, DataType.Credential, "clé d'API — 支付 🔑", false, 1, At(1), null, 0), credential);
        Assert.Equal(("blind ünïcode ✓", true), (blindName.Name, blindName.Enabled));
        Assert.Equal([("api-staging", 0), ("web-production", 3)], services.Select(s => (s.Name, s.MappedCount)).OrderBy(s => s.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListNamesAsync_ArchiveTable_GivesArchivedCredentialsWithTheirArchiveDateOnlyAsync()
    {
        var (_, second) = await WriteTwoRevisionsAsync();
        var kept = Credential(NewId());
        await Store.WriteRevisionAsync(kept);
        var archiveDate = At(1000, 999_999);
        await Store.ArchiveAsync(second.Id, 2, archiveDate);

        var archived = await Store.ListNamesAsync(StoreTable.Archive, DataType.Credential, PageRequest.All);
        var primary = await Store.ListNamesAsync(StoreTable.Primary, DataType.Credential, PageRequest.All);

        var full = await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All);
        Assert.Equal(full.Items.Select(NamesOf), archived.Items);
        Assert.Equal(NamesOf(second with { ArchiveDate = archiveDate }), Assert.Single(archived.Items));
        Assert.Equal([NamesOf(kept)], primary.Items);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 4)]
    [InlineData(true, 10)]
    public async Task ListNamesAsync_PagingWithLimit_SamePagesAndTokensAsQueryAsync(bool descending, int limit)
    {
        await WriteServicesAsync(10);
        string? token = null;
        var pages = 0;
        var seen = 0;
        do
        {
            var request = new PageRequest(limit, descending, token);

            var names = await Store.ListNamesAsync(StoreTable.Primary, DataType.Service, request);

            var full = await Store.QueryAsync(DataType.Service, request);
            Assert.Equal(full.Items.Select(NamesOf), names.Items);
            Assert.Equal(full.NextToken, names.NextToken);
            Assert.True(names.Items.Count <= limit);
            seen += names.Items.Count;
            token = names.NextToken;
            Assert.True(++pages <= 11, "paging does not end");
        }
        while (token is not null);

        Assert.Equal(10, seen);
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("e30=")] // {}
    [InlineData("eyJpZCI6IHsiUyI6ICJhIn19")] // {"id": {"S": "a"}}
    public async Task ListNamesAsync_MalformedToken_ThrowsFailedToParsePageAsync(string token)
    {
        await WriteServicesAsync(2);

        var error = await Assert.ThrowsAsync<ConfidantException>(
            () => Store.ListNamesAsync(StoreTable.Primary, DataType.Service, new PageRequest(1, StartToken: token)));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal(ErrorMessages.FailedToParsePage, error.Message);
    }

    [Fact]
    public async Task ListNamesAsync_TokenOfAnotherDataType_ThrowsFailedToParsePageAsync()
    {
        var token = new PageToken(NewId(), DataType.Service, "2024-05-01T12:30:45.123456+0000").Encode();

        var error = await Assert.ThrowsAsync<ConfidantException>(
            () => Store.ListNamesAsync(StoreTable.Archive, DataType.Credential, new PageRequest(1, StartToken: token)));

        Assert.Equal(ErrorMessages.FailedToParsePage, error.Message);
    }

    [Theory]
    [InlineData(DataType.ArchiveCredential)]
    [InlineData(DataType.Exposure)]
    [InlineData(DataType.Job)]
    public async Task ListNamesAsync_NotACurrentResourceType_ThrowsArgumentOutOfRangeAsync(DataType dataType)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.ListNamesAsync(StoreTable.Primary, dataType, PageRequest.All));
    }
}
