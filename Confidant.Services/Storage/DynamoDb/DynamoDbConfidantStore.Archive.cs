using Amazon.DynamoDBv2.Model;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Storage.DynamoDb;

internal sealed partial class DynamoDbConfidantStore
{
    private const int BatchWriteSize = 25;

    public async Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default)
    {
        var archiveTable = RequireArchiveTable();
        var current = await GetFromAsync(_table, id, cancellationToken)
            ?? throw ConfidantException.NotFound(ErrorMessages.IdDoesNotExist, id);
        if (current.Revision != expectedRevision || current.DataType.IsRevision())
        {
            throw Conflict(id, current.Revision);
        }

        var items = await WithRevisionRecordsAsync(_table, current, cancellationToken);
        var records = items.Where(item => item.DataType.IsRevision()).ToList();

        // No transactions (not every DynamoDB-compatible server has them): single-item conditions instead.
        // 1. The archive copy of the current item goes first and only where there is none: of two archives of one
        //    resource, one goes on.
        if (!await TryPutAsync(archiveTable, current with { ArchiveDate = archiveDate }, "attribute_not_exists(id)", null, cancellationToken))
        {
            throw new ArchiveInProgressException(id);
        }

        // 2. Spec §4.2 archive: copy everything first, then delete; an interruption leaves both copies, never none.
        //    The revision records go before the current item, so that no writer can roll a deleted resource
        //    forward from a record still there.
        await BatchWriteAsync(
            archiveTable,
            records.Select(item => new WriteRequest(new PutRequest(ItemCodec.Encode(item with { ArchiveDate = archiveDate })))),
            cancellationToken);
        await BatchWriteAsync(
            _table,
            records.Select(item => new WriteRequest(new DeleteRequest(ItemCodec.Key(item.Id)))),
            cancellationToken);

        // 3. The current item last, and only at the revision that was copied: a revision written meanwhile wins,
        //    and the move is undone.
        if (!await TryDeleteCurrentAsync(current, cancellationToken))
        {
            await RestoreAsync(id, cancellationToken);
            throw Conflict(id, expectedRevision + 1);
        }

        LogArchived(id, items.Count);
    }

    public Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        QueryTableAsync(RequireArchiveTable(), dataType, request, cancellationToken);

    public async Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default)
    {
        var archiveTable = RequireArchiveTable();
        var current = await GetFromAsync(archiveTable, id, cancellationToken);
        if (current is null)
        {
            return false;
        }

        var items = await WithRevisionRecordsAsync(archiveTable, current, cancellationToken);
        // Spec §9.3: items that already exist in the primary table are kept. Records go first, the current item
        // last, the same order as any other write.
        foreach (var item in items.OrderBy(item => item.DataType.IsRevision() ? 0 : 1))
        {
            await TryPutAsync(_table, item with { ArchiveDate = null }, "attribute_not_exists(id)", null, cancellationToken);
        }

        await BatchWriteAsync(
            archiveTable,
            items.Select(item => new WriteRequest(new DeleteRequest(ItemCodec.Key(item.Id)))),
            cancellationToken);
        LogRestored(id, items.Count);
        return true;
    }

    private async Task<bool> TryDeleteCurrentAsync(StoredItem current, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = _table,
                    Key = ItemCodec.Key(current.Id),
                    ConditionExpression = "#revision = :revision AND #data_type = :data_type",
                    ExpressionAttributeNames = new() { ["#revision"] = "revision", ["#data_type"] = "data_type" },
                    ExpressionAttributeValues = new()
                    {
                        [":revision"] = ItemCodec.N(current.Revision),
                        [":data_type"] = ItemCodec.S(current.DataType.ToWire()),
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

    private string RequireArchiveTable() =>
        _archiveTable ?? throw new ConfidantException(
            ConfidantErrorKind.Unavailable,
            "The archive is disabled: Storage:DynamoDb:ArchiveTable is not configured.");

    /// <summary>The current item and those of its revision records <c>&lt;id&gt;-1 … &lt;id&gt;-n</c> that exist.</summary>
    private async Task<List<StoredItem>> WithRevisionRecordsAsync(
        string table, StoredItem current, CancellationToken cancellationToken)
    {
        var recordIds = Enumerable.Range(1, Math.Max(0, current.Revision)).Select(n => RevisionId.Of(current.Id, n));
        var records = await GetManyFromAsync(table, recordIds, cancellationToken);
        // Spec §13.35: ids share one key space, so "foo-1" may be a service rather than a revision of "foo".
        var revisionType = current.DataType.RevisionType();
        return [.. records.Where(record => record.DataType == revisionType && record.BaseId == current.Id), current];
    }

    private async Task BatchWriteAsync(string table, IEnumerable<WriteRequest> writes, CancellationToken cancellationToken)
    {
        foreach (var chunk in writes.Chunk(BatchWriteSize))
        {
            var requestItems = new Dictionary<string, List<WriteRequest>>(StringComparer.Ordinal) { [table] = [.. chunk] };
            for (var attempt = 0; requestItems.Count > 0; attempt++)
            {
                await BackOffAsync(attempt, cancellationToken);
                var response = await client.BatchWriteItemAsync(
                    new BatchWriteItemRequest { RequestItems = requestItems }, cancellationToken);
                requestItems = response.UnprocessedItems is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Id} ({Count} items)")]
    private partial void LogArchived(string id, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Id} from the archive ({Count} items)")]
    private partial void LogRestored(string id, int count);
}
