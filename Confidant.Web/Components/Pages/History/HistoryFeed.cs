using Confidant.Services.Storage;

namespace Confidant.Web.Components.Pages.History;

/// <summary>
/// The revision records of several lists (each newest first, read a page at a time through the domain) merged into
/// one list, newest first, handed out <see cref="PageSize"/> at a time: a history of any length costs a page per
/// step, never the whole of it.
/// </summary>
internal sealed class HistoryFeed(params IReadOnlyList<Func<int, string?, Task<(IReadOnlyList<StoredItem> Items, string? Next)>>> reads)
{
    public const int PageSize = 100;

    private readonly Source[] _sources = [.. reads.Select(read => new Source(read))];

    /// <summary>Whether any list has records not handed out yet (true until every list has been read to its end).</summary>
    public bool HasMore => _sources.Any(s => s.Buffer.Count > 0 || !s.Exhausted);

    /// <summary>The next records, newest first: <see cref="PageSize"/>, or fewer at the end.</summary>
    public async Task<IReadOnlyList<StoredItem>> NextAsync()
    {
        var result = new List<StoredItem>(PageSize);
        while (result.Count < PageSize)
        {
            // Every list must show its next record before the newest of them is known.
            foreach (var source in _sources)
            {
                while (source.Buffer.Count == 0 && !source.Exhausted)
                {
                    await source.FillAsync();
                }
            }

            var newest = _sources.Where(s => s.Buffer.Count > 0).MaxBy(s => (s.Buffer.Peek().ModifiedDate, s.Buffer.Peek().Revision));
            if (newest is null)
            {
                break;
            }

            result.Add(newest.Buffer.Dequeue());
        }

        return result;
    }

    private sealed class Source(Func<int, string?, Task<(IReadOnlyList<StoredItem> Items, string? Next)>> read)
    {
        private string? _token;
        private bool _started;

        public Queue<StoredItem> Buffer { get; } = new();

        public bool Exhausted => _started && _token is null;

        public async Task FillAsync()
        {
            // Pages come newest first, but a list may order the records within a page otherwise (by name).
            var (items, next) = await read(PageSize, _token);
            foreach (var item in items.OrderByDescending(i => (i.ModifiedDate, i.Revision)))
            {
                Buffer.Enqueue(item);
            }

            (_token, _started) = (next, true);
        }
    }
}
