using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// The audit trail in its own DynamoDB table, shaped like Confidant's (hash key <c>id</c>, GSI
/// <c>data_type_date_index</c>) so the same bootstrap creates it: one compressed item per block of records (out of the
/// GSI), the item lists that blocks name by digest, chain and checkpoint items, and the access summary.
/// Every write that places a record or a checkpoint is a conditional single-item put; nothing needs transactions.
/// </summary>
internal sealed class DynamoDbAuditStore : IAuditStore
{
    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly bool _createTable;
    private readonly TimeProvider _time;
    private readonly DynamoDbAuditBlocks _blocks;
    private readonly DynamoDbAccessSummary _access;
    private readonly AuditBlockQuery _query;

    public DynamoDbAuditStore(IAmazonDynamoDB client, string table, bool createTable, TimeProvider time)
    {
        _client = client;
        _table = table;
        _createTable = createTable;
        _time = time;
        var sets = new DynamoDbItemSets(client, table, Units, time);
        _blocks = new DynamoDbAuditBlocks(client, table, Units, sets);
        _access = new DynamoDbAccessSummary(client, table, Units, sets, time);
        _query = new AuditBlockQuery(_blocks.NewestFirstAsync, ListChainsAsync);
    }

    /// <summary>Write capacity units DynamoDB reported for this store's writes.</summary>
    public DynamoDbWriteUnits Units { get; } = new();

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_createTable)
        {
            await new TableBootstrapper(_client, _time).EnsureTablesAsync([_table], cancellationToken);
            return;
        }

        try
        {
            await _client.DescribeTableAsync(_table, cancellationToken);
        }
        catch (ResourceNotFoundException)
        {
            // Deliveries are refused while they cannot be recorded, so a missing table is a start-up error.
            throw new InvalidOperationException(
                $"The audit table '{_table}' does not exist. Create it with the primary table's key schema (see README) or set "
                + "Storage:DynamoDb:CreateTable=true; its name is Storage:DynamoDb:AuditTable (default: the primary table's name + '-audit').");
        }
    }

    public async Task CreateChainAsync(AuditChain chain, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _client.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = DynamoDbAuditItems.Chain(chain),
                ConditionExpression = "attribute_not_exists(id)",
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            }, cancellationToken);
            Units.AddBookkeeping(response.ConsumedCapacity);
        }
        catch (ConditionalCheckFailedException)
        {
            throw new AuditConflictException($"Chain {chain.ChainId} exists.");
        }
    }

    public async Task MarkChainClosedAsync(string chainId, DateTimeOffset closedAt, CancellationToken cancellationToken = default)
    {
        try
        {
            // Moving it to the closed partition keeps the list of open chains (read at every checkpoint) short.
            var response = await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = DynamoDbAuditItems.Key(DynamoDbAuditItems.ChainKey(chainId)),
                UpdateExpression = "SET closed_at = :closed, data_type = :closedChains",
                ConditionExpression = "attribute_exists(id) AND attribute_not_exists(closed_at)",
                ExpressionAttributeValues = new()
                {
                    [":closed"] = DynamoDbAuditItems.N(AuditCanonical.Microseconds(closedAt)),
                    [":closedChains"] = DynamoDbAuditItems.S(DynamoDbAuditItems.ClosedChains),
                },
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            }, cancellationToken);
            Units.AddBookkeeping(response.ConsumedCapacity);
        }
        catch (ConditionalCheckFailedException)
        {
            // Closed already (by its process or a sealer), or never registered: nothing to record.
        }
    }

    public async Task<IReadOnlyList<AuditChain>> ListChainsAsync(CancellationToken cancellationToken = default)
    {
        // Open chains first, then closed ones: a chain closed between the two queries is seen in both, and its
        // later (closed) state wins. Chains only ever go from open to closed, so none can be missed this way.
        var chains = new Dictionary<string, AuditChain>(StringComparer.Ordinal);
        foreach (var partition in (string[])[DynamoDbAuditItems.OpenChains, DynamoDbAuditItems.ClosedChains])
        {
            await foreach (var item in QueryPartitionAsync(partition, cancellationToken))
            {
                var chain = DynamoDbAuditItems.ReadChain(item);
                chains[chain.ChainId] = chain;
            }
        }

        return [.. chains.Values.OrderBy(c => c.OpenedAt).ThenBy(c => c.ChainId, StringComparer.Ordinal)];
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken = default)
    {
        if (block.Count == 0)
        {
            return;
        }

        await _blocks.AppendAsync(block, cancellationToken);
        await _access.AddAsync(block, cancellationToken);
    }

    public async Task<AuditRecord?> HeadAsync(string chainId, CancellationToken cancellationToken = default) =>
        (await _blocks.FindHeadAsync(chainId, cancellationToken))?.Last;

    public async IAsyncEnumerable<AuditRecord> ReadChainAsync(
        string chainId,
        long afterSequence = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var from = 1L;
        if (afterSequence > 0 && await _blocks.FindHeadAsync(chainId, cancellationToken) is { } head)
        {
            // The last block starting at or before the first wanted record.
            var next = afterSequence + 1;
            from = Math.Max(1, await _blocks.BisectAsync(chainId, head.Number, "first_seq", first => first > next, cancellationToken) - 1);
        }

        await foreach (var (_, records) in _blocks.ReadForwardAsync(chainId, from, cancellationToken))
        {
            foreach (var record in records.Where(r => r.Sequence > afterSequence))
            {
                yield return record;
            }
        }
    }

    public async Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _client.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = DynamoDbAuditItems.Checkpoint(checkpoint),
                ConditionExpression = "attribute_not_exists(id)",
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            }, cancellationToken);
            Units.AddBookkeeping(response.ConsumedCapacity);
        }
        catch (ConditionalCheckFailedException)
        {
            throw new AuditConflictException($"Checkpoint {checkpoint.Index} of chain {checkpoint.ChainId} exists.");
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string chainId, CancellationToken cancellationToken = default)
    {
        var checkpoints = new List<AuditCheckpoint>();
        await foreach (var item in QueryPartitionAsync(DynamoDbAuditItems.CheckpointPartition(chainId), cancellationToken))
        {
            checkpoints.Add(DynamoDbAuditItems.ReadCheckpoint(item));
        }

        return [.. checkpoints.OrderBy(c => c.Index)];
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        _query.RunAsync(query, AuditPageToken.Decode(query.Page), cancellationToken);

    public Task<IReadOnlySet<AuditAccessKey>> FindDeliveredAsync(IReadOnlyCollection<AuditAccessKey> keys, CancellationToken cancellationToken = default) =>
        _access.FindAsync(keys, cancellationToken);

    public Task<IReadOnlyList<AuditAccess>> AccessAsync(
        string resourceType,
        string resourceId,
        DateTimeOffset? since = null,
        CancellationToken cancellationToken = default) =>
        _access.ReadAsync(resourceType, resourceId, since, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken = default) => _access.FlushAsync(cancellationToken);

    public override string ToString() => $"DynamoDB audit store, table {_table}";

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryPartitionAsync(
        string partition,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await _client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                IndexName = TableBootstrapper.DateIndexName,
                KeyConditionExpression = "data_type = :partition",
                ExpressionAttributeValues = new() { [":partition"] = DynamoDbAuditItems.S(partition) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }
}
