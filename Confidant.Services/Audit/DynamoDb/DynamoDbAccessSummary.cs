using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Confidant.Services.Caching;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// The access summary in DynamoDB, counted per delivered list (<see cref="DynamoDbItemSets"/>) and principal: a
/// workload's poll of its service is one counter, not one per credential. Counters new to this process are written
/// right after their block (so a principal that received a secret shows up in a blast radius even if the process is
/// killed next); later deliveries are counted in memory and written every <c>Audit:AccessFlushSeconds</c>, since at
/// fleet scale one update per delivery would cost more than the block itself. A killed process loses the counts of
/// its last interval, never a principal. A first delivery of a (resource, principal) pair also leaves a marker, which
/// is what the <c>first_access</c> flag looks up.
/// </summary>
internal sealed class DynamoDbAccessSummary(IAmazonDynamoDB client, string table, DynamoDbWriteUnits units, DynamoDbItemSets sets, TimeProvider time)
{
    private const int BatchGetSize = 100;
    private const int ParallelWrites = 8;

    private readonly Lock _lock = new();
    private readonly BoundedLruCache<(string SetId, Principal Principal), bool> _written = new(200_000, TimeSpan.FromDays(1), time);
    private Dictionary<(string SetId, Principal Principal), Counter> _pending = [];

    /// <summary>Counts a stored block's deliveries.</summary>
    public async Task AddAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        var delivered = block.Where(r => AuditAccessKey.Counts(r.Entry)).ToList();
        if (delivered.Count == 0)
        {
            return;
        }

        var named = delivered.Select(r => r.Entry.Delivered()).Select(items => (SetId: AuditItemSets.IdOf(items), Items: items)).ToList();

        var now = new Dictionary<(string SetId, Principal Principal), Counter>();
        var markers = new List<AuditAccessKey>();
        lock (_lock)
        {
            for (var i = 0; i < delivered.Count; i++)
            {
                var record = delivered[i];
                var key = (named[i].SetId, Principal.Of(record.Entry.Actor));
                var target = _written.TryGet(key, out _) ? _pending : now;
                Count(target, key, 1, record.Time, record.Time);
                if (record.Flags.Contains(AuditFlags.FirstAccess))
                {
                    markers.AddRange(AuditAccessKey.Of(record.Entry).Select(d => d.Key));
                }
            }
        }

        try
        {
            await sets.EnsureAsync(named, cancellationToken);
            await Task.WhenAll(markers.Distinct().Select(m => MarkAsync(m, cancellationToken)));
            await WriteAsync(now, cancellationToken);
        }
        catch (Exception error) when (error is AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            // The block is stored: its counts wait for the next flush rather than fail the append.
            Merge(now);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<(string SetId, Principal Principal), Counter> flushing;
        lock (_lock)
        {
            flushing = _pending;
            _pending = [];
        }

        await WriteAsync(flushing, cancellationToken);
    }

    public async Task<IReadOnlySet<AuditAccessKey>> FindAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken)
    {
        var byId = keys.GroupBy(MarkerKey).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var found = new HashSet<AuditAccessKey>();
        foreach (var chunk in byId.Keys.Chunk(BatchGetSize))
        {
            var request = new Dictionary<string, KeysAndAttributes>
            {
                [table] = new() { Keys = [.. chunk.Select(DynamoDbAuditItems.Key)], ConsistentRead = true, ProjectionExpression = "id" },
            };
            for (var attempt = 0; request.Count > 0 && attempt < 8; attempt++)
            {
                var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
                foreach (var item in response.Responses?.GetValueOrDefault(table) ?? [])
                {
                    found.Add(byId[item["id"].S]);
                }

                request = response.UnprocessedKeys is { Count: > 0 } left ? left : [];
            }
        }

        return found;
    }

    public async Task<IReadOnlyList<AuditAccess>> ReadAsync(string resourceType, string resourceId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        // This process's counters first, so that it always reads its own deliveries.
        await FlushAsync(cancellationToken);
        var rows = new List<AccessRow>();
        foreach (var (setId, revision) in await sets.ListForAsync(resourceType, resourceId, cancellationToken))
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var response = await client.QueryAsync(new QueryRequest
                {
                    TableName = table,
                    IndexName = TableBootstrapper.DateIndexName,
                    KeyConditionExpression = "data_type = :partition",
                    ExpressionAttributeValues = new() { [":partition"] = DynamoDbAuditItems.S(CounterPartition(setId)) },
                    ExclusiveStartKey = start,
                }, cancellationToken);
                rows.AddRange((response.Items ?? []).Select(item => new AccessRow(
                    item["actor_type"].S,
                    item["actor_name"].S,
                    item["account"].S is { Length: > 0 } account ? account : null,
                    revision,
                    DynamoDbAuditItems.Long(item["count"]),
                    DynamoDbAuditItems.Time(item["first"]),
                    DynamoDbAuditItems.Time(item["last"]))));
                start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (start is not null);
        }

        return AccessRow.Summarize(since is { } from ? rows.Where(r => r.Last >= from) : rows);
    }

    private static string CounterPartition(string setId) => "audit-access:" + setId;

    private static string MarkerKey(AuditAccessKey key) =>
        $"delivered:{Escape(key.ResourceType)}:{Escape(key.ResourceId)}:{Escape(key.ActorType)}:{Escape(key.Account ?? string.Empty)}:{Escape(key.ActorName)}";

    private static string Escape(string part) => Uri.EscapeDataString(part);

    private async Task MarkAsync(AuditAccessKey key, CancellationToken cancellationToken)
    {
        var response = await client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new Dictionary<string, AttributeValue> { ["id"] = DynamoDbAuditItems.S(MarkerKey(key)) },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, cancellationToken);
        units.AddAccess(response.ConsumedCapacity);
    }

    private async Task WriteAsync(Dictionary<(string SetId, Principal Principal), Counter> counters, CancellationToken cancellationToken)
    {
        var failed = new Dictionary<(string SetId, Principal Principal), Counter>();
        Exception? error = null;
        await Parallel.ForEachAsync(
            counters,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken },
            async (pair, ct) =>
            {
                try
                {
                    await UpdateAsync(pair.Key.SetId, pair.Key.Principal, pair.Value, ct);
                    _written.Set(pair.Key, true);
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException or OperationCanceledException)
                {
                    lock (failed)
                    {
                        failed[pair.Key] = pair.Value;
                        error ??= e;
                    }
                }
            });
        if (error is not null)
        {
            Merge(failed);
            throw error;
        }
    }

    // "last" only moves forward within a process; two processes flushing out of order may set an earlier last time
    // for up to one flush interval.
    private async Task UpdateAsync(string setId, Principal principal, Counter counter, CancellationToken cancellationToken)
    {
        var response = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = DynamoDbAuditItems.Key($"access:{setId}:{Escape(principal.Type)}:{Escape(principal.Account ?? string.Empty)}:{Escape(principal.Name)}"),
            UpdateExpression = "SET data_type = :partition, modified_date = if_not_exists(modified_date, :date), set_id = :set, "
                + "actor_type = :actorType, actor_name = :actor, account = :account, #first = if_not_exists(#first, :first), #last = :last "
                + "ADD #count :count",
            ExpressionAttributeNames = new() { ["#count"] = "count", ["#first"] = "first", ["#last"] = "last" },
            ExpressionAttributeValues = new()
            {
                [":partition"] = DynamoDbAuditItems.S(CounterPartition(setId)),
                [":date"] = DynamoDbAuditItems.S(ConfidantDates.ToStored(counter.First)),
                [":set"] = DynamoDbAuditItems.S(setId),
                [":actorType"] = DynamoDbAuditItems.S(principal.Type),
                [":actor"] = DynamoDbAuditItems.S(principal.Name),
                [":account"] = DynamoDbAuditItems.S(principal.Account ?? string.Empty),
                [":first"] = DynamoDbAuditItems.N(AuditCanonical.Microseconds(counter.First)),
                [":last"] = DynamoDbAuditItems.N(AuditCanonical.Microseconds(counter.Last)),
                [":count"] = DynamoDbAuditItems.N(counter.Count),
            },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, cancellationToken);
        units.AddAccess(response.ConsumedCapacity);
    }

    private void Merge(Dictionary<(string SetId, Principal Principal), Counter> counters)
    {
        lock (_lock)
        {
            foreach (var (key, counter) in counters)
            {
                Count(_pending, key, counter.Count, counter.First, counter.Last);
            }
        }
    }

    private static void Count(
        Dictionary<(string SetId, Principal Principal), Counter> counters,
        (string SetId, Principal Principal) key,
        long count,
        DateTimeOffset first,
        DateTimeOffset last)
    {
        counters[key] = counters.TryGetValue(key, out var counter)
            ? new Counter(counter.Count + count, first < counter.First ? first : counter.First, last > counter.Last ? last : counter.Last)
            : new Counter(count, first, last);
    }

    private sealed record Counter(long Count, DateTimeOffset First, DateTimeOffset Last);

    private sealed record Principal(string Type, string Name, string? Account)
    {
        public static Principal Of(AuditActor actor) => new(actor.Type, actor.Name, actor.Account);
    }
}
