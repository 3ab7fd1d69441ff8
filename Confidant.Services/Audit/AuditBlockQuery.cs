namespace Confidant.Services.Audit;

/// <summary>
/// Audit queries over stores that keep records packed in blocks (<see cref="AuditBlock"/>), both of them: each chain
/// whose lifetime overlaps the query is read newest first, block by block (filters apply here, to the decoded
/// records), and the chains are merged by position. At most <see cref="Budget"/> records are examined per page; a
/// page cut short still carries the position to go on from.
/// </summary>
/// <param name="newestFirst">A chain's records newest first, from the last one before the given time (all when null).</param>
/// <param name="listChains">Every chain.</param>
internal sealed class AuditBlockQuery(
    Func<string, DateTimeOffset?, CancellationToken, IAsyncEnumerable<AuditRecord>> newestFirst,
    Func<CancellationToken, Task<IReadOnlyList<AuditChain>>> listChains)
{
    public const int Budget = 20_000;

    public async Task<AuditPage> RunAsync(AuditQuery query, AuditPosition? after, CancellationToken cancellationToken)
    {
        // Times are kept to the microsecond, as SQLite compares them.
        query = query with { From = Truncate(query.From), To = Truncate(query.To) };
        var limit = query.PageSize;
        var upper = Earlier(query.To, after?.Time.AddTicks(10));
        // Newest possible record first: a closed chain has none after it closed, an open one may have one now. A
        // chain is only read once the merge reaches that time, so a page costs the chains it overlaps, not every
        // chain there ever was.
        var chains = new Queue<AuditChain>((await listChains(cancellationToken))
            .Where(c => (upper is null || c.OpenedAt < upper) && (query.From is null || c.ClosedAt is null || c.ClosedAt >= query.From))
            .OrderByDescending(c => c.ClosedAt ?? DateTimeOffset.MaxValue));
        var queue = new PriorityQueue<IAsyncEnumerator<AuditRecord>, AuditPosition>(Comparer<AuditPosition>.Create((a, b) => b.CompareTo(a)));
        var open = new List<IAsyncEnumerator<AuditRecord>>();
        try
        {
            async Task StartChainsFromAsync()
            {
                while (chains.TryPeek(out var chain)
                    && (!queue.TryPeek(out _, out var newest) || (chain.ClosedAt ?? DateTimeOffset.MaxValue) >= newest.Time))
                {
                    chains.Dequeue();
                    var records = newestFirst(chain.ChainId, upper, cancellationToken).GetAsyncEnumerator(cancellationToken);
                    open.Add(records);
                    await EnqueueNextAsync(queue, records, query, after);
                }
            }

            var results = new List<AuditRecord>(limit + 1);
            var examined = 0;
            AuditPosition? last = null;
            while (results.Count <= limit && examined < Budget && (queue.Count > 0 || chains.Count > 0))
            {
                // Chains whose newest possible record is newer than the next one to take join the merge first.
                if (!queue.TryPeek(out var records, out var next) || (chains.Count > 0 && (chains.Peek().ClosedAt ?? DateTimeOffset.MaxValue) >= next.Time))
                {
                    await StartChainsFromAsync();
                    if (queue.Count == 0)
                    {
                        continue;
                    }

                    records = queue.Peek();
                }

                queue.Dequeue();

                var record = records.Current;
                examined++;
                last = record.Position;
                if (query.Matches(record))
                {
                    results.Add(record);
                }

                await EnqueueNextAsync(queue, records, query, after);
            }

            if (results.Count > limit)
            {
                results.RemoveAt(limit);
                return new AuditPage(results, AuditPageToken.Encode(results[^1].Position));
            }

            return new AuditPage(results, (queue.Count > 0 || chains.Count > 0) && last is { } position ? AuditPageToken.Encode(position) : null);
        }
        finally
        {
            foreach (var records in open)
            {
                await records.DisposeAsync();
            }
        }
    }

    // The chain's next record inside the query's window, if any: past the page position, before To, from From on.
    private static async Task EnqueueNextAsync(
        PriorityQueue<IAsyncEnumerator<AuditRecord>, AuditPosition> queue,
        IAsyncEnumerator<AuditRecord> records,
        AuditQuery query,
        AuditPosition? after)
    {
        while (await records.MoveNextAsync())
        {
            var record = records.Current;
            if (query.From is { } from && record.Time < from)
            {
                return;
            }

            if ((after is { } position && record.Position >= position) || (query.To is { } to && record.Time >= to))
            {
                continue;
            }

            queue.Enqueue(records, record.Position);
            return;
        }
    }

    private static DateTimeOffset? Truncate(DateTimeOffset? time) => time is { } value ? AuditCanonical.Truncate(value) : null;

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
