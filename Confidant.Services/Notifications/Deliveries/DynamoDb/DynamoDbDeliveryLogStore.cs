using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Services.Notifications.Deliveries.DynamoDb;

/// <summary>
/// The delivery log in Confidant's primary table, under a data type of its own that the original never queries for
/// (its reads name their data type, spec §6.9). Item ids start with <c>notification-delivery:</c>, which no credential
/// id (hex) or service id (an IAM role name, which cannot hold a colon) can equal. The GSI <c>data_type_date_index</c>
/// orders attempts by <c>modified_date</c>, here the attempt's time as sortable ISO-8601 with ticks followed by
/// <c>#</c> and its id: unique, so that pages continue exactly after the last attempt returned.
/// </summary>
internal sealed class DynamoDbDeliveryLogStore(IAmazonDynamoDB client, string table) : IDeliveryLogStore
{
    public const string DataType = "notification-delivery";
    private const string IdPrefix = "notification-delivery:";
    private const int BatchWriteSize = 25;
    private const int QueryPageItems = 200;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default)
    {
        // Plain puts: an attempt is written once by the sender that made it; a repeat (a retried batch) rewrites the same item.
        await WriteBatchesAsync(attempts.Select(a => new WriteRequest(new PutRequest(Encode(a)))), cancellationToken);
    }

    public async Task<DeliveryPage> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        var after = DeliveryPageToken.Decode(query.Page);
        var (filter, names, values) = Filters(query);
        values[":data_type"] = ItemCodec.S(DataType);
        names["#data_type"] = "data_type";
        var attempts = new List<DeliveryAttempt>();
        Dictionary<string, AttributeValue>? startKey = after is { } position ? StartKey(position.Ticks, position.Id) : null;
        do
        {
            var response = await client.QueryAsync(
                new QueryRequest
                {
                    TableName = table,
                    IndexName = TableBootstrapper.DateIndexName,
                    KeyConditionExpression = "#data_type = :data_type",
                    FilterExpression = filter,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ScanIndexForward = false,
                    Limit = QueryPageItems,
                    ExclusiveStartKey = startKey,
                },
                cancellationToken);
            attempts.AddRange((response.Items ?? []).Select(Decode));
            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null && attempts.Count <= query.PageSize);

        if (attempts.Count <= query.PageSize && startKey is null)
        {
            return new DeliveryPage(attempts, null);
        }

        attempts.RemoveRange(query.PageSize, attempts.Count - query.PageSize);
        return new DeliveryPage(attempts, DeliveryPageToken.Encode(attempts[^1]));
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await client.QueryAsync(
                new QueryRequest
                {
                    TableName = table,
                    IndexName = TableBootstrapper.DateIndexName,
                    KeyConditionExpression = "#data_type = :data_type AND #modified_date < :cutoff",
                    ProjectionExpression = "#id",
                    ExpressionAttributeNames = new() { ["#data_type"] = "data_type", ["#modified_date"] = "modified_date", ["#id"] = "id" },
                    ExpressionAttributeValues = new() { [":data_type"] = ItemCodec.S(DataType), [":cutoff"] = ItemCodec.S(SortableTime(cutoff.UtcTicks)) },
                    ExclusiveStartKey = startKey,
                },
                cancellationToken);
            ids.AddRange((response.Items ?? []).Select(item => item["id"].S));
            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        await WriteBatchesAsync(ids.Select(id => new WriteRequest(new DeleteRequest(ItemCodec.Key(id)))), cancellationToken);
        return ids.Count;
    }

    private async Task WriteBatchesAsync(IEnumerable<WriteRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var chunk in requests.Chunk(BatchWriteSize))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = [.. chunk] };
            for (var round = 0; pending.Count > 0; round++)
            {
                if (round > 0)
                {
                    // Unprocessed items mean the table is throttling: back off before the remainder.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(round, 5))), cancellationToken);
                }

                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }
    }

    private static (string? Filter, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values) Filters(DeliveryQuery query)
    {
        var conditions = new List<string>();
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        foreach (var (attribute, value) in new[]
                 {
                     ("channel", query.Channel), ("endpoint", query.Endpoint), ("event_id", query.EventId), ("outcome", query.Outcome),
                 })
        {
            if (value is not null)
            {
                conditions.Add($"#{attribute} = :{attribute}");
                names["#" + attribute] = attribute;
                values[":" + attribute] = ItemCodec.S(value);
            }
        }

        return (conditions.Count == 0 ? null : string.Join(" AND ", conditions), names, values);
    }

    private static Dictionary<string, AttributeValue> StartKey(long ticks, string id) => new()
    {
        ["id"] = ItemCodec.S(IdPrefix + id),
        ["data_type"] = ItemCodec.S(DataType),
        ["modified_date"] = ItemCodec.S($"{SortableTime(ticks)}#{id}"),
    };

    private static Dictionary<string, AttributeValue> Encode(DeliveryAttempt attempt)
    {
        var item = StartKey(attempt.Time.UtcTicks, attempt.Id);
        item["event_id"] = ItemCodec.S(attempt.EventId);
        item["event_type"] = ItemCodec.S(attempt.EventType);
        item["channel"] = ItemCodec.S(attempt.Channel);
        item["endpoint"] = ItemCodec.S(attempt.Endpoint);
        item["attempt"] = ItemCodec.N(attempt.Attempt);
        item["outcome"] = ItemCodec.S(attempt.Outcome);
        if (attempt.Status is { } status)
        {
            item["status"] = ItemCodec.S(status);
        }

        if (attempt.Error is { } error)
        {
            item["error"] = ItemCodec.S(error);
        }

        if (attempt.NextRetry is { } next)
        {
            item["next_retry"] = ItemCodec.S(SortableTime(next.UtcTicks));
        }

        return item;
    }

    private static DeliveryAttempt Decode(Dictionary<string, AttributeValue> item) => new(
        item["id"].S[IdPrefix.Length..],
        item["event_id"].S,
        item["event_type"].S,
        item["channel"].S,
        item["endpoint"].S,
        int.Parse(item["attempt"].N, NumberStyles.None, CultureInfo.InvariantCulture),
        ParseTime(item["modified_date"].S.Split('#')[0]),
        item["outcome"].S,
        item.TryGetValue("status", out var status) ? status.S : null,
        item.TryGetValue("error", out var error) ? error.S : null,
        item.TryGetValue("next_retry", out var next) ? ParseTime(next.S) : null);

    // Ticks in the text, so that the time round-trips exactly and sorts as text.
    private static string SortableTime(long ticks) =>
        new DateTimeOffset(ticks, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
