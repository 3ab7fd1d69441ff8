using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.History;

namespace Confidant.Tests.Web.Components.Pages.History;

public sealed class HistoryFeedTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Next_ThreeListsOfUnevenLength_MergesNewestFirstAPageAtATime()
    {
        // Minutes since the start: interleaved, so each page of the merge takes from every list.
        var credentials = Records("c", Enumerable.Range(0, 180).Select(i => i * 2));
        var blind = Records("b", Enumerable.Range(0, 30).Select(i => (i * 7) + 1));
        var services = Records("s", Enumerable.Range(0, 5).Select(i => (i * 50) + 3));
        var reads = new List<string>();
        var feed = new HistoryFeed(Paged("c", credentials, reads), Paged("b", blind, reads), Paged("s", services, reads));

        var first = await feed.NextAsync();
        var readsForFirst = reads.Count;
        var second = await feed.NextAsync();
        var third = await feed.NextAsync();

        var expected = credentials.Concat(blind).Concat(services).OrderByDescending(r => r.ModifiedDate).Select(r => r.Id).ToList();
        Assert.Equal(HistoryFeed.PageSize, first.Count);
        Assert.Equal(expected, [.. first.Concat(second).Concat(third).Select(r => r.Id)]);
        Assert.Equal(15, third.Count);
        Assert.False(feed.HasMore);

        // One page of each list for the first 100, not every record.
        Assert.Equal(3, readsForFirst);
    }

    [Fact]
    public async Task Next_NothingAnywhere_ReturnsNothingAndHasNoMore()
    {
        var feed = new HistoryFeed(Paged("c", [], []));

        Assert.Empty(await feed.NextAsync());
        Assert.False(feed.HasMore);
    }

    private static List<StoredItem> Records(string prefix, IEnumerable<int> minutes) =>
        [.. minutes.Select(m => StoredItemSamples.Service($"{prefix}-{m:D4}") with { ModifiedDate = Start.AddMinutes(m) })];

    // Newest first in pages, each page shuffled by name as the domain's lists order a page.
    private static Func<int, string?, Task<(IReadOnlyList<StoredItem> Items, string? Next)>> Paged(string name, List<StoredItem> records, List<string> reads) =>
        (limit, token) =>
        {
            reads.Add(name);
            var newest = records.OrderByDescending(r => r.ModifiedDate).ToList();
            var from = token is null ? 0 : int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
            var page = newest.Skip(from).Take(limit).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            var next = from + limit < newest.Count ? (from + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult<(IReadOnlyList<StoredItem>, string?)>((page, next));
        };
}
