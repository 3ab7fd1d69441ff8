using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// A chain's blocks, numbered 1, 2, 3… in their keys. A new block takes the number after the head block with a
/// conditional put (<c>attribute_not_exists(id)</c>), so two writers can never both extend a chain from the same
/// head: a chain cannot fork. Blocks are found by key (consistent reads): the head by probing forward from the last
/// one known and bisecting, a sequence or a time by bisecting, a run of blocks with BatchGetItem.
/// </summary>
internal sealed class DynamoDbAuditBlocks(IAmazonDynamoDB client, string table, DynamoDbWriteUnits units, DynamoDbItemSets sets)
{
    private const int Window = 50;
    private const int BlocksPerRead = 8;

    private readonly ConcurrentDictionary<string, BlockHead> _heads = new(StringComparer.Ordinal);

    public async Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        var first = block[0];
        var number = 1L;
        if (first.Sequence != 1)
        {
            var head = _heads.TryGetValue(first.ChainId, out var known) ? known : await FindHeadAsync(first.ChainId, cancellationToken);
            if (head is null || head.Last.Sequence + 1 != first.Sequence || head.Last.Hash != first.PreviousHash)
            {
                _heads.TryRemove(first.ChainId, out _);
                throw new AuditConflictException($"Sequence {first.Sequence} of chain {first.ChainId} does not follow the stored head.");
            }

            number = head.Number + 1;
        }

        try
        {
            var response = await client.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = await EncodeAsync(number, block, cancellationToken),
                ConditionExpression = "attribute_not_exists(id)",
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            }, cancellationToken);
            units.AddBlock(response.ConsumedCapacity);
        }
        catch (ConditionalCheckFailedException)
        {
            // Either our own put, answered late and retried by the SDK, or another writer's block: only the first is ours.
            var stored = await ReadAsync(first.ChainId, number, cancellationToken);
            if (stored is null || stored[^1].Hash != block[^1].Hash)
            {
                _heads.TryRemove(first.ChainId, out _);
                throw new AuditConflictException($"Block {number} of chain {first.ChainId} is taken.");
            }
        }

        _heads[first.ChainId] = new BlockHead(number, block[^1]);
    }

    /// <summary>A block item; the item lists it names by digest are stored first, so a stored block never names a missing one.</summary>
    public async Task<Dictionary<string, AttributeValue>> EncodeAsync(long number, IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
    {
        var setIds = new Dictionary<AuditRecord, string>(ReferenceEqualityComparer.Instance);
        foreach (var record in block.Where(r => r.Entry.Items.Count >= AuditBlock.ItemsStoredApart))
        {
            setIds[record] = AuditItemSets.IdOf(record.Entry.Items);
        }

        await sets.EnsureAsync(setIds.Select(p => (p.Value, p.Key.Entry.Items)), cancellationToken);
        return DynamoDbAuditItems.Block(number, block, record => setIds.GetValueOrDefault(record));
    }

    /// <summary>A block item's records, with every item list filled in.</summary>
    public async Task<IReadOnlyList<AuditRecord>> DecodeAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        var decoded = DynamoDbAuditItems.ReadBlock(item);
        var lists = await sets.ResolveAsync(decoded.Where(d => d.SetId is not null).Select(d => d.SetId!), cancellationToken);
        return [.. decoded.Select(d => d.SetId is null ? d.Record : d.Record with { Entry = d.Record.Entry with { Items = lists[d.SetId] } })];
    }

    /// <summary>The stored head block of a chain, searched from the last one known.</summary>
    public async Task<BlockHead?> FindHeadAsync(string chainId, CancellationToken cancellationToken)
    {
        var hint = _heads.TryGetValue(chainId, out var known) ? known.Number : 1;
        if (!await ExistsAsync(chainId, hint, cancellationToken))
        {
            hint = 1;
            if (!await ExistsAsync(chainId, 1, cancellationToken))
            {
                return null;
            }
        }

        var low = hint;
        var step = 1L;
        while (await ExistsAsync(chainId, low + step, cancellationToken))
        {
            low += step;
            step *= 2;
        }

        var high = low + step;
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            (low, high) = await ExistsAsync(chainId, middle, cancellationToken) ? (middle, high) : (low, middle);
        }

        var records = await ReadAsync(chainId, low, cancellationToken);
        if (records is not { Count: > 0 })
        {
            return null;
        }

        var head = new BlockHead(low, records[^1]);
        _heads[chainId] = head;
        return head;
    }

    /// <summary>
    /// Blocks from <paramref name="from"/> on, in number order, until a whole window of numbers is missing: a deleted
    /// block in the middle shows as a gap in the sequence rather than ending the chain.
    /// </summary>
    public async IAsyncEnumerable<(long Number, IReadOnlyList<AuditRecord> Records)> ReadForwardAsync(
        string chainId,
        long from,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var start = from; ; start += Window)
        {
            var found = await ReadManyAsync(chainId, Enumerable.Range(0, Window).Select(i => start + i), cancellationToken);
            if (found.Count == 0)
            {
                yield break;
            }

            foreach (var block in found.OrderBy(b => b.Key))
            {
                yield return (block.Key, block.Value);
            }
        }
    }

    /// <summary>A chain's records newest first, from the last one before <paramref name="before"/> (all when null).</summary>
    public async IAsyncEnumerable<AuditRecord> NewestFirstAsync(
        string chainId,
        DateTimeOffset? before,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await FindHeadAsync(chainId, cancellationToken) is not { } head)
        {
            yield break;
        }

        var start = head.Number;
        if (before is { } bound)
        {
            // The first block that ends at or after the bound holds the newest records before it.
            var limit = AuditCanonical.Microseconds(bound);
            start = Math.Min(head.Number, await BisectAsync(chainId, head.Number, "last_time", t => t >= limit, cancellationToken));
        }

        for (var end = start; end >= 1; end -= BlocksPerRead)
        {
            var numbers = Enumerable.Range(0, BlocksPerRead).Select(i => end - i).Where(n => n >= 1);
            foreach (var block in (await ReadManyAsync(chainId, numbers, cancellationToken)).OrderByDescending(b => b.Key))
            {
                for (var i = block.Value.Count - 1; i >= 0; i--)
                {
                    yield return block.Value[i];
                }
            }
        }
    }

    /// <summary>The number of the first block of 1..<paramref name="head"/> for which <paramref name="isAtOrAfter"/> holds (head + 1 if none).</summary>
    public async Task<long> BisectAsync(string chainId, long head, string attribute, Func<long, bool> isAtOrAfter, CancellationToken cancellationToken)
    {
        var (low, high) = (1L, head + 1);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var value = await ReadAttributeAsync(chainId, middle, attribute, cancellationToken);
            (low, high) = value is not null && isAtOrAfter(value.Value) ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    public async Task<IReadOnlyList<AuditRecord>?> ReadAsync(string chainId, long number, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = DynamoDbAuditItems.Key(DynamoDbAuditItems.BlockKey(chainId, number)),
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? await DecodeAsync(item, cancellationToken) : null;
    }

    private async Task<bool> ExistsAsync(string chainId, long number, CancellationToken cancellationToken) =>
        await ReadAttributeAsync(chainId, number, "first_seq", cancellationToken) is not null;

    private async Task<long?> ReadAttributeAsync(string chainId, long number, string attribute, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = DynamoDbAuditItems.Key(DynamoDbAuditItems.BlockKey(chainId, number)),
            ConsistentRead = true,
            ProjectionExpression = "#a",
            ExpressionAttributeNames = new() { ["#a"] = attribute },
        }, cancellationToken);
        return response.Item is { Count: > 0 } item && item.TryGetValue(attribute, out var value) && value.N is not null
            ? DynamoDbAuditItems.Long(value)
            : null;
    }

    private async Task<Dictionary<long, IReadOnlyList<AuditRecord>>> ReadManyAsync(string chainId, IEnumerable<long> numbers, CancellationToken cancellationToken)
    {
        var byKey = numbers.ToDictionary(n => DynamoDbAuditItems.BlockKey(chainId, n), StringComparer.Ordinal);
        var found = new Dictionary<long, IReadOnlyList<AuditRecord>>();
        var request = new Dictionary<string, KeysAndAttributes>
        {
            [table] = new() { Keys = [.. byKey.Keys.Select(DynamoDbAuditItems.Key)], ConsistentRead = true },
        };
        for (var attempt = 0; request.Count > 0; attempt++)
        {
            var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
            foreach (var item in response.Responses?.GetValueOrDefault(table) ?? [])
            {
                found[byKey[item["id"].S]] = await DecodeAsync(item, cancellationToken);
            }

            if (response.UnprocessedKeys is { Count: > 0 } left)
            {
                if (attempt >= 8)
                {
                    throw new TimeoutException($"DynamoDB did not return {left.Count} audit blocks of chain {chainId}.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20 << attempt), cancellationToken);
            }

            request = response.UnprocessedKeys is { Count: > 0 } rest ? rest : [];
        }

        return found;
    }

    /// <summary>A chain's head block: its number and last record.</summary>
    public sealed record BlockHead(long Number, AuditRecord Last);
}
