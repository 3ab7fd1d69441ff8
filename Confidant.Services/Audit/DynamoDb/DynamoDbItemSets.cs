using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Caching;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// What a delivery gave, stored once: a workload polls the same service again and again and receives the same
/// credentials at the same revisions, so a block names that list by its digest (16 bytes) instead of repeating ten
/// credential ids per record. Each list is one item, written before the first block that names it, with one index
/// item per resource in it (the access summary finds the lists a credential was delivered in through them). Records
/// still hash over their full item list: a list edited in the table breaks every record that names it.
/// </summary>
internal sealed class DynamoDbItemSets(IAmazonDynamoDB client, string table, DynamoDbWriteUnits units, TimeProvider time)
{
    private const int BatchGetSize = 100;
    // A list id known to be stored saves a conditional put (a write unit) on the next append naming it, and costs
    // about 200 bytes; a list's content (1–2 KB) only saves a read when records are read back, so far fewer are kept.
    private const int StoredIdsKept = 50_000;
    private const int ListsKept = 1_024;

    private readonly BoundedLruCache<string, bool> _stored = new(StoredIdsKept, TimeSpan.FromDays(1), time);
    private readonly BoundedLruCache<string, AuditItem[]> _lists = new(ListsKept, TimeSpan.FromDays(1), time);

    /// <summary>Stores the lists this process has not stored or read yet (conditional puts: a list is written once).</summary>
    public async Task EnsureAsync(IEnumerable<(string Id, IReadOnlyList<AuditItem> Items)> sets, CancellationToken cancellationToken)
    {
        // Two appends writing the same new list at once write the same items: harmless.
        var pending = sets.DistinctBy(s => s.Id).Where(s => !_stored.TryGet(s.Id, out _)).ToList();
        await Task.WhenAll(pending.Select(set => WriteAsync(set.Id, set.Items, cancellationToken)));
        foreach (var (id, items) in pending)
        {
            _stored.Set(id, true);
            _lists.Set(id, [.. items]);
        }
    }

    /// <summary>The item lists named by <paramref name="ids"/>; a list that is gone raises <see cref="InvalidDataException"/>.</summary>
    public async Task<IReadOnlyDictionary<string, AuditItem[]>> ResolveAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, AuditItem[]>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (_lists.TryGet(id, out var items))
            {
                found[id] = items;
            }
            else
            {
                missing.Add(id);
            }
        }

        foreach (var chunk in missing.Chunk(BatchGetSize))
        {
            var request = new Dictionary<string, KeysAndAttributes>
            {
                [table] = new() { Keys = [.. chunk.Select(id => DynamoDbAuditItems.Key(Key(id)))], ConsistentRead = true },
            };
            for (var attempt = 0; request.Count > 0 && attempt < 8; attempt++)
            {
                var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
                foreach (var item in response.Responses?.GetValueOrDefault(table) ?? [])
                {
                    var id = item["set_id"].S;
                    var items = Read(id, item);
                    found[id] = items;
                    _stored.Set(id, true);
                    _lists.Set(id, items);
                }

                request = response.UnprocessedKeys is { Count: > 0 } left ? left : [];
            }
        }

        var gone = missing.FirstOrDefault(id => !found.ContainsKey(id));
        return gone is null ? found : throw new InvalidDataException($"The delivered-items list {gone} named by an audit block is missing.");
    }

    /// <summary>The lists a resource was delivered in, with the resource's revision in each (the access summary's index).</summary>
    public async Task<IReadOnlyList<(string SetId, int Revision)>> ListForAsync(string resourceType, string resourceId, CancellationToken cancellationToken)
    {
        var sets = new List<(string, int)>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = table,
                IndexName = TableBootstrapper.DateIndexName,
                KeyConditionExpression = "data_type = :partition",
                ExpressionAttributeValues = new() { [":partition"] = DynamoDbAuditItems.S(IndexPartition(resourceType, resourceId)) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            sets.AddRange((response.Items ?? []).Select(i => (i["set_id"].S, (int)DynamoDbAuditItems.Long(i["revision"]))));
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return sets;
    }

    public static string Key(string id) => "itemset:" + id;

    private static string IndexPartition(string resourceType, string resourceId) =>
        $"audit-itemsets:{Uri.EscapeDataString(resourceType)}:{Uri.EscapeDataString(resourceId)}";

    private static AuditItem[] Read(string id, Dictionary<string, AttributeValue> item)
    {
        try
        {
            return AuditCanonical.ParseItems(item["items"].B.ToArray());
        }
        catch (Exception error) when (error is FormatException or KeyNotFoundException or NullReferenceException)
        {
            throw new InvalidDataException($"The delivered-items list {id} cannot be read.", error);
        }
    }

    // The index first, then the list (conditionally): a stored list always has its index, even after a crash between the two.
    private async Task WriteAsync(string id, IReadOnlyList<AuditItem> items, CancellationToken cancellationToken)
    {
        var stored = ConfidantDates.ToStored(time.GetUtcNow());
        foreach (var item in items.DistinctBy(i => (i.ResourceType, i.Id)))
        {
            var response = await client.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new Dictionary<string, AttributeValue>
                {
                    ["id"] = DynamoDbAuditItems.S($"itemset-index:{Uri.EscapeDataString(item.ResourceType)}:{Uri.EscapeDataString(item.Id)}:{id}"),
                    ["data_type"] = DynamoDbAuditItems.S(IndexPartition(item.ResourceType, item.Id)),
                    ["modified_date"] = DynamoDbAuditItems.S(stored),
                    ["set_id"] = DynamoDbAuditItems.S(id),
                    ["revision"] = DynamoDbAuditItems.N(item.Revision ?? 0),
                },
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            }, cancellationToken);
            units.AddBookkeeping(response.ConsumedCapacity);
        }

        try
        {
            var response = await client.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new Dictionary<string, AttributeValue>
                {
                    ["id"] = DynamoDbAuditItems.S(Key(id)),
                    ["set_id"] = DynamoDbAuditItems.S(id),
                    ["items"] = new AttributeValue { B = new MemoryStream(new AuditCanonical().Items(items).ToArray()) },
                },
                ConditionExpression = "attribute_not_exists(id)",
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            }, cancellationToken);
            units.AddBookkeeping(response.ConsumedCapacity);
        }
        catch (ConditionalCheckFailedException)
        {
            // Stored already, by this process before a restart or by another one: the same digest, the same list.
        }
    }
}
