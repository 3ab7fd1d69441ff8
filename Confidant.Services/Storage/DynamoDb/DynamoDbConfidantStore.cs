using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>
/// The DynamoDB backend on the low-level client, so every attribute keeps Confidant's exact encoding (spec §6).
/// Writes are conditional single-item puts: transactions are not available on every DynamoDB-compatible server.
/// </summary>
internal sealed partial class DynamoDbConfidantStore(
    IAmazonDynamoDB client,
    IOptions<StorageOptions> options,
    ILogger<DynamoDbConfidantStore> logger) : IConfidantStore
{
    private const int BatchGetSize = 100;

    private readonly string _table = options.Value.DynamoDb.Table
        ?? throw new InvalidOperationException("Storage:DynamoDb:Table is required when Storage:Provider is DynamoDb.");

    private readonly string? _archiveTable = options.Value.DynamoDb.ArchiveTable;

    public Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        GetFromAsync(_table, id, cancellationToken);

    public Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        GetManyFromAsync(_table, ids, cancellationToken);

    public Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        QueryTableAsync(_table, dataType, request, cancellationToken);

    public async Task<NamePage> ListNamesAsync(
        StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default)
    {
        NamedItems.RequireListable(dataType);
        var (names, next) = await QueryPagesAsync(
            table == StoreTable.Archive ? RequireArchiveTable() : _table,
            dataType,
            request,
            NameCodec.Projection(dataType),
            NameCodec.Decode,
            cancellationToken);
        return new NamePage(names, next);
    }

    public async Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            // Spec §6.9: "name" is a reserved word, hence the expression attribute name.
            var response = await client.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    IndexName = TableBootstrapper.DateIndexName,
                    KeyConditionExpression = "#data_type = :data_type",
                    FilterExpression = "#name = :name",
                    ProjectionExpression = "#id",
                    ExpressionAttributeNames = new() { ["#data_type"] = "data_type", ["#name"] = "name", ["#id"] = "id" },
                    ExpressionAttributeValues = new()
                    {
                        [":data_type"] = ItemCodec.S(dataType.ToWire()),
                        [":name"] = ItemCodec.S(name),
                    },
                    ExclusiveStartKey = startKey,
                },
                cancellationToken);
            ids.AddRange((response.Items ?? []).Select(item => item["id"].S));
            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        return ids;
    }

    public async Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(current.Revision, 1);
        var item = current.AsCurrentItem() with { ArchiveDate = null };
        var record = current.AsRevisionRecord() with { ArchiveDate = null };
        var revision = item.Revision;

        // Checking first keeps a writer with a stale revision from leaving a record that skips numbers.
        var existing = await GetFromAsync(_table, item.Id, cancellationToken);
        if ((existing?.Revision ?? 0) != revision - 1 || (existing is not null && existing.DataType != item.DataType))
        {
            await RollForwardAsync(item, cancellationToken);
            throw Conflict(item.Id, revision);
        }

        // Spec §13.36: the revision put is conditional, so of two writers of revision n exactly one wins.
        if (!await TryPutAsync(_table, record, "attribute_not_exists(id)", null, cancellationToken))
        {
            await RollForwardAsync(item, cancellationToken);
            throw Conflict(item.Id, revision);
        }

        var previous = revision == 1 ? null : ItemCodec.N(revision - 1);
        var condition = revision == 1 ? "attribute_not_exists(id)" : "#revision = :previous";
        if (!await TryPutAsync(_table, item, condition, previous, cancellationToken))
        {
            // Another writer may already have rolled our record forward: then the write has landed.
            var now = await GetFromAsync(_table, item.Id, cancellationToken);
            if (now is not null && now.Revision == revision && StoredItemJson.SameContent(now, item))
            {
                return;
            }

            if (now is null)
            {
                // The resource was archived between our two puts. Our record would be left behind, and a restore
                // would later roll this failed write forward: take it back.
                await TryDeleteOwnRecordAsync(record, cancellationToken);
            }

            throw Conflict(item.Id, revision);
        }
    }

    public async Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default)
    {
        var request = new PutItemRequest
        {
            TableName = _table,
            Item = ItemCodec.Encode(item with { ArchiveDate = null }),
            // Same revision and same write time: only bookkeeping of that very revision may change.
            ConditionExpression = "#revision = :revision AND #modified_date = :modified_date AND #data_type = :data_type",
            ExpressionAttributeNames = new()
            {
                ["#revision"] = "revision",
                ["#modified_date"] = "modified_date",
                ["#data_type"] = "data_type",
            },
            ExpressionAttributeValues = new()
            {
                [":revision"] = ItemCodec.N(item.Revision),
                [":modified_date"] = ItemCodec.S(ConfidantDates.ToStored(item.ModifiedDate)),
                [":data_type"] = ItemCodec.S(item.DataType.ToWire()),
            },
        };
        if (item is CredentialItem credential)
        {
            // ... and the data key as read: a touch must not undo a re-encryption made since (RewriteDataKeyAsync).
            request.ConditionExpression += " AND #data_key = :data_key";
            request.ExpressionAttributeNames["#data_key"] = "data_key";
            request.ExpressionAttributeValues[":data_key"] = ItemCodec.AsciiBinary(credential.DataKey);
        }

        try
        {
            await client.PutItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            throw Conflict(item.Id, item.Revision);
        }
    }

    /// <summary>
    /// Completes a write interrupted between its two puts: when the revision record after the current item's
    /// revision exists, the current item is set from it (conditionally, so concurrent roll-forwards agree).
    /// </summary>
    private async Task RollForwardAsync(StoredItem item, CancellationToken cancellationToken)
    {
        var current = await GetFromAsync(_table, item.Id, cancellationToken);
        if (current is not null && current.DataType != item.DataType)
        {
            return;
        }

        var currentRevision = current?.Revision ?? 0;
        var next = await GetFromAsync(_table, RevisionId.Of(item.Id, currentRevision + 1), cancellationToken);
        if (next is null || next.DataType != item.DataType.RevisionType() || next.Revision != currentRevision + 1)
        {
            return;
        }

        var condition = currentRevision == 0 ? "attribute_not_exists(id)" : "#revision = :previous";
        var previous = currentRevision == 0 ? null : ItemCodec.N(currentRevision);
        if (await TryPutAsync(_table, next.AsCurrentItem() with { ArchiveDate = null }, condition, previous, cancellationToken))
        {
            LogRolledForward(item.Id, next.Revision);
        }
    }

    private async Task TryDeleteOwnRecordAsync(StoredItem record, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = _table,
                    Key = ItemCodec.Key(record.Id),
                    ConditionExpression = "#modified_date = :modified_date AND #modified_by = :modified_by",
                    ExpressionAttributeNames = new() { ["#modified_date"] = "modified_date", ["#modified_by"] = "modified_by" },
                    ExpressionAttributeValues = new()
                    {
                        [":modified_date"] = ItemCodec.S(ConfidantDates.ToStored(record.ModifiedDate)),
                        [":modified_by"] = ItemCodec.S(record.ModifiedBy),
                    },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Not ours after all (the archive took it along): nothing to take back.
        }
    }

    private async Task<bool> TryPutAsync(
        string table, StoredItem item, string condition, AttributeValue? previous, CancellationToken cancellationToken)
    {
        var request = new PutItemRequest { TableName = table, Item = ItemCodec.Encode(item), ConditionExpression = condition };
        if (previous is not null)
        {
            // Attribute names go through placeholders so no DynamoDB reserved word can break an expression.
            request.ExpressionAttributeNames = new() { ["#revision"] = "revision" };
            request.ExpressionAttributeValues = new() { [":previous"] = previous };
        }

        try
        {
            await client.PutItemAsync(request, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private RevisionConflictException Conflict(string id, int revision)
    {
        LogRevisionConflict(id, revision);
        return new RevisionConflictException(id, revision);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed the interrupted write of revision {Revision} of {Id}")]
    private partial void LogRolledForward(string id, int revision);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Revision {Revision} of {Id} was written by another writer first")]
    private partial void LogRevisionConflict(string id, int revision);

    // Exposure marks and value fingerprints.

    public Task<bool> PutExposureAsync(Exposure.ExposureMark mark, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mark.Revision, 1);

        // Mark ids (exposure/...) are no other item's: credentials' are hex, services' have no '/'.
        return mark.Revision == 1
            ? TryPutAsync(_table, mark, "attribute_not_exists(id)", null, cancellationToken)
            : TryPutAsync(_table, mark, "#revision = :previous", ItemCodec.N(mark.Revision - 1), cancellationToken);
    }

    public async Task<bool> SetFingerprintsAsync(
        string id, int revision, Exposure.ValueFingerprints fingerprints, CancellationToken cancellationToken = default)
    {
        // An update of that one attribute: a concurrent rewrite of the item's data key or ciphertext is kept.
        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = ItemCodec.Key(id),
            UpdateExpression = "SET #fingerprints = :fingerprints",
            ConditionExpression = "#revision = :revision AND (#data_type = :current OR #data_type = :record)",
            ExpressionAttributeNames = new()
            {
                ["#fingerprints"] = "fingerprints",
                ["#revision"] = "revision",
                ["#data_type"] = "data_type",
            },
            ExpressionAttributeValues = new()
            {
                [":fingerprints"] = ItemCodec.S(StoredItemJson.SerializeValue(fingerprints)),
                [":revision"] = ItemCodec.N(revision),
                [":current"] = ItemCodec.S(DataType.Credential.ToWire()),
                [":record"] = ItemCodec.S(DataType.ArchiveCredential.ToWire()),
            },
        };
        try
        {
            await client.UpdateItemAsync(request, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    // Re-encryption at rest and the state of long-running jobs (docs/decisions/0016-rekey-job.md).

    public async Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default)
    {
        var name = table == StoreTable.Archive ? RequireArchiveTable() : _table;
        try
        {
            // An update, not a put: attributes this version does not know (another writer's) stay as they are.
            var response = await client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = name,
                    Key = ItemCodec.Key(rewritten.Id),
                    UpdateExpression = "SET #data_key = :data_key, #credential_pairs = :credential_pairs, #cipher_version = :cipher_version",
                    ConditionExpression = "#revision = :revision AND #data_type = :data_type AND #data_key = :expected",
                    ExpressionAttributeNames = new()
                    {
                        ["#data_key"] = "data_key",
                        ["#credential_pairs"] = "credential_pairs",
                        ["#cipher_version"] = "cipher_version",
                        ["#revision"] = "revision",
                        ["#data_type"] = "data_type",
                    },
                    ExpressionAttributeValues = new()
                    {
                        [":data_key"] = ItemCodec.AsciiBinary(rewritten.DataKey),
                        [":credential_pairs"] = ItemCodec.S(rewritten.CredentialPairs),
                        [":cipher_version"] = ItemCodec.N(rewritten.CipherVersion),
                        [":revision"] = ItemCodec.N(rewritten.Revision),
                        [":data_type"] = ItemCodec.S(rewritten.DataType.ToWire()),
                        [":expected"] = ItemCodec.AsciiBinary(expectedDataKey),
                    },
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken);
            return new DataKeyRewrite(true, ItemCodec.Decode(response.Attributes));
        }
        catch (ConditionalCheckFailedException)
        {
            return new DataKeyRewrite(false, await GetFromAsync(name, rewritten.Id, cancellationToken));
        }
    }

    public async Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(job.Revision, 1);
        var request = new PutItemRequest
        {
            TableName = _table,
            Item = ItemCodec.Encode(job with { DataType = DataType.Job, ArchiveDate = null }),
            ConditionExpression = "attribute_not_exists(id)",
        };
        if (job.Revision > 1)
        {
            request.ConditionExpression = "#revision = :previous AND #data_type = :data_type";
            request.ExpressionAttributeNames = new() { ["#revision"] = "revision", ["#data_type"] = "data_type" };
            request.ExpressionAttributeValues = new()
            {
                [":previous"] = ItemCodec.N(job.Revision - 1),
                [":data_type"] = ItemCodec.S(DataType.Job.ToWire()),
            };
        }

        try
        {
            await client.PutItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            throw Conflict(job.Id, job.Revision);
        }
    }

    public async Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = _table,
                    Key = ItemCodec.Key(id),
                    ConditionExpression = "#revision = :revision AND #data_type = :data_type",
                    ExpressionAttributeNames = new() { ["#revision"] = "revision", ["#data_type"] = "data_type" },
                    ExpressionAttributeValues = new()
                    {
                        [":revision"] = ItemCodec.N(revision),
                        [":data_type"] = ItemCodec.S(DataType.Job.ToWire()),
                    },
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
