using Amazon.DynamoDBv2.Model;

namespace Confidant.Services.Storage.DynamoDb;

internal sealed partial class DynamoDbConfidantStore
{
    private async Task<StoredItem?> GetFromAsync(string table, string id, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(
            new GetItemRequest { TableName = table, Key = ItemCodec.Key(id), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } attributes ? ItemCodec.Decode(attributes) : null;
    }

    private async Task<IReadOnlyList<StoredItem>> GetManyFromAsync(
        string table, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var items = new List<StoredItem>();
        // Spec §6.3: duplicates removed before the call, chunks of 100, UnprocessedKeys retried.
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(BatchGetSize))
        {
            var requestItems = new Dictionary<string, KeysAndAttributes>(StringComparer.Ordinal)
            {
                [table] = new KeysAndAttributes { Keys = [.. chunk.Select(ItemCodec.Key)], ConsistentRead = true },
            };
            for (var attempt = 0; requestItems.Count > 0; attempt++)
            {
                await BackOffAsync(attempt, cancellationToken);
                var response = await client.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = requestItems }, cancellationToken);
                if (response.Responses?.TryGetValue(table, out var found) == true)
                {
                    items.AddRange(found.Select(ItemCodec.Decode));
                }

                requestItems = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }

        return items;
    }

    private async Task<ItemPage> QueryTableAsync(
        string table, DataType dataType, PageRequest request, CancellationToken cancellationToken)
    {
        var (items, next) = await QueryPagesAsync(table, dataType, request, null, ItemCodec.Decode, cancellationToken);
        return new ItemPage(items, next);
    }

    /// <summary>
    /// The query on the date index behind every listing by data type; <paramref name="projection"/>, when given, names
    /// the only attributes read (an expression and its attribute names).
    /// </summary>
    private async Task<(List<T> Items, string? NextToken)> QueryPagesAsync<T>(
        string table,
        DataType dataType,
        PageRequest request,
        (string Expression, IReadOnlyDictionary<string, string> Names)? projection,
        Func<Dictionary<string, AttributeValue>, T> decode,
        CancellationToken cancellationToken)
    {
        if (request.Limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Limit, "Limit must be at least 1.");
        }

        var startKey = request.StartToken is null ? null : ToKey(PageToken.Decode(request.StartToken, dataType));
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#data_type"] = "data_type" };
        foreach (var (placeholder, name) in projection?.Names ?? new Dictionary<string, string>())
        {
            names[placeholder] = name;
        }

        var items = new List<T>();
        while (true)
        {
            var response = await client.QueryAsync(
                new QueryRequest
                {
                    TableName = table,
                    IndexName = TableBootstrapper.DateIndexName,
                    KeyConditionExpression = "#data_type = :data_type",
                    ProjectionExpression = projection?.Expression,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = new() { [":data_type"] = ItemCodec.S(dataType.ToWire()) },
                    ScanIndexForward = !request.Descending,
                    Limit = request.Limit,
                    ExclusiveStartKey = startKey,
                },
                cancellationToken);
            items.AddRange((response.Items ?? []).Select(decode));
            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            if (request.Limit is not null || startKey is null)
            {
                return (items, startKey is null ? null : FromKey(startKey));
            }
        }
    }

    private static Dictionary<string, AttributeValue> ToKey(PageToken token) => new(StringComparer.Ordinal)
    {
        ["id"] = ItemCodec.S(token.Id),
        ["data_type"] = ItemCodec.S(token.DataType.ToWire()),
        ["modified_date"] = ItemCodec.S(token.ModifiedDate),
    };

    private static string FromKey(Dictionary<string, AttributeValue> key)
    {
        if (!DataTypes.TryParse(key["data_type"].S, out var dataType))
        {
            throw new InvalidDataException("DynamoDB returned a LastEvaluatedKey with an unknown data_type.");
        }

        return new PageToken(key["id"].S, dataType, key["modified_date"].S).Encode();
    }

    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        attempt == 0
            ? Task.CompletedTask
            : Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(attempt, 6))), cancellationToken);
}
