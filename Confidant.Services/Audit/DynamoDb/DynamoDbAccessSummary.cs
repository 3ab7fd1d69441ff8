using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// The access summary in DynamoDB: one item per (resource, principal) with a count, first and last time per
/// revision (<c>c_N</c>, <c>f_N</c>, <c>l_N</c>), updated with <c>ADD</c>. A pair's first delivery is written right
/// after its block (it marks a principal that must show up in a blast radius); later deliveries are counted in
/// memory and written every <c>Audit:AccessFlushSeconds</c>, since one update per credential per delivery would cost
/// ten times the block itself. Counts of a killed process's last interval are lost; its records are not.
/// </summary>
internal sealed class DynamoDbAccessSummary(IAmazonDynamoDB client, string table, DynamoDbWriteUnits units)
{
    private const int BatchGetSize = 100;
    private const int ParallelUpdates = 8;

    private readonly Lock _lock = new();
    private Dictionary<(AuditAccessKey Key, int Revision), Counter> _pending = [];

    /// <summary>Counts a stored block's deliveries; those flagged first access are written at once.</summary>
    public async Task AddAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        var now = new Dictionary<(AuditAccessKey Key, int Revision), Counter>();
        lock (_lock)
        {
            foreach (var record in block.Where(r => AuditAccessKey.Counts(r.Entry)))
            {
                var target = record.Flags.Contains(AuditFlags.FirstAccess) ? now : _pending;
                foreach (var (key, revision) in AuditAccessKey.Of(record.Entry))
                {
                    Count(target, (key, revision), 1, record.Time, record.Time);
                }
            }
        }

        try
        {
            await WriteAsync(now, cancellationToken);
        }
        catch (Exception error) when (error is AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            // The block is stored: the counts wait for the next flush rather than fail the append.
            Merge(now);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<(AuditAccessKey Key, int Revision), Counter> flushing;
        lock (_lock)
        {
            flushing = _pending;
            _pending = [];
        }

        try
        {
            await WriteAsync(flushing, cancellationToken);
        }
        catch (Exception)
        {
            Merge(flushing);
            throw;
        }
    }

    public async Task<IReadOnlySet<AuditAccessKey>> FindAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken)
    {
        var found = new HashSet<AuditAccessKey>();
        lock (_lock)
        {
            found.UnionWith(_pending.Keys.Select(k => k.Key).Where(keys.Contains));
        }

        var byId = keys.Where(k => !found.Contains(k)).GroupBy(DynamoDbAuditItems.AccessKey).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var chunk in byId.Keys.Chunk(BatchGetSize))
        {
            var request = new Dictionary<string, KeysAndAttributes>
            {
                [table] = new() { Keys = [.. chunk.Select(DynamoDbAuditItems.Key)], ConsistentRead = true, ProjectionExpression = "id" },
            };
            for (var attempt = 0; request.Count > 0; attempt++)
            {
                var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
                foreach (var item in response.Responses?.GetValueOrDefault(table) ?? [])
                {
                    found.Add(byId[item["id"].S]);
                }

                request = response.UnprocessedKeys is { Count: > 0 } left && attempt < 8 ? left : [];
            }
        }

        return found;
    }

    public async Task<IReadOnlyList<AuditAccess>> ReadAsync(string resourceType, string resourceId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        // This process's counters first, so that it always reads its own deliveries.
        await FlushAsync(cancellationToken);
        var rows = new List<AccessRow>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = table,
                IndexName = TableBootstrapper.DateIndexName,
                KeyConditionExpression = "data_type = :partition",
                ExpressionAttributeValues = new() { [":partition"] = DynamoDbAuditItems.S(DynamoDbAuditItems.AccessPartition(resourceType, resourceId)) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            rows.AddRange((response.Items ?? []).SelectMany(DynamoDbAuditItems.ReadAccess));
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return AccessRow.Summarize(since is { } from ? rows.Where(r => r.Last >= from) : rows);
    }

    private async Task WriteAsync(Dictionary<(AuditAccessKey Key, int Revision), Counter> counters, CancellationToken cancellationToken)
    {
        var failed = new Dictionary<(AuditAccessKey Key, int Revision), Counter>();
        Exception? error = null;
        await Parallel.ForEachAsync(
            counters,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelUpdates, CancellationToken = cancellationToken },
            async (pair, ct) =>
            {
                try
                {
                    await UpdateAsync(pair.Key.Key, pair.Key.Revision, pair.Value, ct);
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

    private async Task UpdateAsync(AuditAccessKey key, int revision, Counter counter, CancellationToken cancellationToken)
    {
        var (count, first, last) = DynamoDbAuditItems.RevisionAttributes(revision);
        var response = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = DynamoDbAuditItems.Key(DynamoDbAuditItems.AccessKey(key)),
            UpdateExpression = "SET data_type = :partition, modified_date = if_not_exists(modified_date, :date), resource_type = :type, "
                + "resource_id = :resource, actor_type = :actorType, actor_name = :actor, account = :account, "
                + "#first = if_not_exists(#first, :first), #last = :last ADD #count :count",
            ExpressionAttributeNames = new() { ["#count"] = count, ["#first"] = first, ["#last"] = last },
            ExpressionAttributeValues = new()
            {
                [":partition"] = DynamoDbAuditItems.S(DynamoDbAuditItems.AccessPartition(key.ResourceType, key.ResourceId)),
                [":date"] = DynamoDbAuditItems.S(ConfidantDates.ToStored(counter.First)),
                [":type"] = DynamoDbAuditItems.S(key.ResourceType),
                [":resource"] = DynamoDbAuditItems.S(key.ResourceId),
                [":actorType"] = DynamoDbAuditItems.S(key.ActorType),
                [":actor"] = DynamoDbAuditItems.S(key.ActorName),
                [":account"] = DynamoDbAuditItems.S(key.Account ?? string.Empty),
                [":first"] = DynamoDbAuditItems.N(AuditCanonical.Microseconds(counter.First)),
                [":last"] = DynamoDbAuditItems.N(AuditCanonical.Microseconds(counter.Last)),
                [":count"] = DynamoDbAuditItems.N(counter.Count),
            },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, cancellationToken);
        units.AddAccess(response.ConsumedCapacity);
    }

    private void Merge(Dictionary<(AuditAccessKey Key, int Revision), Counter> counters)
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
        Dictionary<(AuditAccessKey Key, int Revision), Counter> counters,
        (AuditAccessKey Key, int Revision) key,
        long count,
        DateTimeOffset first,
        DateTimeOffset last)
    {
        counters[key] = counters.TryGetValue(key, out var counter)
            ? new Counter(counter.Count + count, first < counter.First ? first : counter.First, last > counter.Last ? last : counter.Last)
            : new Counter(count, first, last);
    }

    private sealed record Counter(long Count, DateTimeOffset First, DateTimeOffset Last);
}
