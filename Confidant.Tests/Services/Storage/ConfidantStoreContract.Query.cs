using Confidant.Services.Errors;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage;

public abstract partial class ConfidantStoreContract
{
    private async Task<List<StoredItem>> WriteServicesAsync(int count)
    {
        var items = new List<StoredItem>();
        for (var i = 0; i < count; i++)
        {
            // Written out of date order, so an order by write time or id would fail the ordering tests.
            var item = Service(NewId(), modified: At((i * 7) % count, i));
            await Store.WriteRevisionAsync(item);
            items.Add(item);
        }

        return items;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task QueryAsync_AllItems_ReturnsOnlyThatTypeOrderedByModifiedDateAsync(bool descending)
    {
        var services = await WriteServicesAsync(9);
        await Store.WriteRevisionAsync(Credential(NewId()));

        var page = await Store.QueryAsync(DataType.Service, new PageRequest(Descending: descending));

        var expected = services.OrderBy(item => item.ModifiedDate).Select(item => item.Id).ToList();
        if (descending)
        {
            expected.Reverse();
        }

        Assert.Equal(expected, page.Items.Select(item => item.Id));
        Assert.All(page.Items, item => Assert.Equal(DataType.Service, item.DataType));
        Assert.Null(page.NextToken);
    }

    [Fact]
    public async Task QueryAsync_RevisionType_ListsRevisionRecordsAsync()
    {
        var service = Service("svc-a");
        await Store.WriteRevisionAsync(service);
        await Store.WriteRevisionAsync(service with { Revision = 2, ModifiedDate = At(30) });

        var page = await Store.QueryAsync(DataType.ArchiveService, PageRequest.All);

        Assert.Equal(["svc-a-1", "svc-a-2"], page.Items.Select(item => item.Id));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 4)]
    [InlineData(true, 10)]
    public async Task QueryAsync_PagingWithLimit_VisitsEveryItemOnceInOrderAsync(bool descending, int limit)
    {
        var services = await WriteServicesAsync(10);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryAsync(DataType.Service, new PageRequest(limit, descending, token));
            Assert.True(page.Items.Count <= limit);
            seen.AddRange(page.Items.Select(item => item.Id));
            token = page.NextToken;
            Assert.True(++pages <= 11, "paging does not end");
        }
        while (token is not null);

        var expected = services.OrderBy(item => item.ModifiedDate).Select(item => item.Id).ToList();
        if (descending)
        {
            expected.Reverse();
        }

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task QueryAsync_NextToken_IsThePageTokenOfTheLastItemAsync()
    {
        var services = await WriteServicesAsync(3);

        var page = await Store.QueryAsync(DataType.Service, new PageRequest(2, Descending: true));

        // Spec §4.0: the token is base64 of the JSON LastEvaluatedKey, the same for every backend.
        Assert.NotNull(page.NextToken);
        var last = page.Items[^1];
        Assert.Equal(PageToken.From(last).Encode(), page.NextToken);
        Assert.Equal(PageToken.From(last), PageToken.Decode(page.NextToken, DataType.Service));
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("e30=")] // {}
    [InlineData("bnVsbA==")] // null
    [InlineData("eyJpZCI6IHsiUyI6ICJhIn19")] // {"id": {"S": "a"}}
    public async Task QueryAsync_MalformedToken_ThrowsFailedToParsePageAsync(string token)
    {
        await WriteServicesAsync(2);

        var error = await Assert.ThrowsAsync<ConfidantException>(
            () => Store.QueryAsync(DataType.Service, new PageRequest(1, StartToken: token)));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal(ErrorMessages.FailedToParsePage, error.Message);
    }

    [Fact]
    public async Task QueryAsync_TokenOfAnotherDataType_ThrowsFailedToParsePageAsync()
    {
        var token = new PageToken(NewId(), DataType.Credential, "2024-05-01T12:30:45.123456+0000").Encode();

        var error = await Assert.ThrowsAsync<ConfidantException>(
            () => Store.QueryAsync(DataType.Service, new PageRequest(1, StartToken: token)));

        Assert.Equal(ErrorMessages.FailedToParsePage, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task QueryAsync_LimitBelowOne_ThrowsArgumentOutOfRangeAsync(int limit)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.QueryAsync(DataType.Service, new PageRequest(limit)));
    }

    [Fact]
    public async Task QueryArchiveAsync_EmptyArchive_ReturnsNoItemsAsync()
    {
        await Store.WriteRevisionAsync(Credential(NewId()));

        var page = await Store.QueryArchiveAsync(DataType.Credential, new PageRequest(5, Descending: true));

        Assert.Empty(page.Items);
        Assert.Null(page.NextToken);
    }
}
