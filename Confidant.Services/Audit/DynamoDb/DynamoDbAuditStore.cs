using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// Audit events in their own DynamoDB table, shaped like Confidant's (hash key <c>id</c>, GSI
/// <c>data_type_date_index</c>) with <c>data_type = audit-event</c>, so the same bootstrap creates it and a time-ordered
/// query needs no scan.
/// </summary>
internal sealed class DynamoDbAuditStore(IAmazonDynamoDB client, string tableName, bool createTable, TimeProvider time) : IAuditStore
{
    private const string DataType = "audit-event";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (createTable)
        {
            await new TableBootstrapper(client, time).EnsureTablesAsync([tableName], cancellationToken);
            return;
        }

        try
        {
            await client.DescribeTableAsync(tableName, cancellationToken);
        }
        catch (ResourceNotFoundException)
        {
            // Reveals are refused while they cannot be recorded, so a missing table is a start-up error.
            throw new InvalidOperationException(
                $"The audit table '{tableName}' does not exist. Create it with the primary table's key schema (see README) or set "
                + "Storage:DynamoDb:CreateTable=true; its name is Storage:DynamoDb:AuditTable (default: the primary table's name + '-audit').");
        }
    }

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in events.Chunk(25))
        {
            var pending = chunk.Select(e => new WriteRequest(new PutRequest(ToItem(e)))).ToList();
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [tableName] = pending } }, cancellationToken);
                pending = response.UnprocessedItems is { } left && left.TryGetValue(tableName, out var again) ? again : [];
                if (pending.Count > 0)
                {
                    if (attempt >= 8)
                    {
                        throw new InvalidOperationException($"DynamoDB did not accept {pending.Count} audit events in {tableName}.");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), time, cancellationToken);
                }
            }
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var after = AuditPageToken.Decode(query.Page);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var events = new List<AuditEvent>();
        var filters = new List<string>();
        var values = new Dictionary<string, AttributeValue> { [":type"] = new() { S = DataType } };
        if (query.ResourceId is { } resource)
        {
            filters.Add("resource_id = :resource");
            values[":resource"] = new() { S = resource };
        }

        if (query.Actor is { } actor)
        {
            filters.Add("actor = :actor");
            values[":actor"] = new() { S = actor };
        }

        var start = after is null ? null : Key(after);
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = tableName,
                IndexName = TableBootstrapper.DateIndexName,
                KeyConditionExpression = "data_type = :type",
                FilterExpression = filters.Count == 0 ? null : string.Join(" AND ", filters),
                ExpressionAttributeValues = values,
                ScanIndexForward = false,
                ExclusiveStartKey = start,
                Limit = 200,
            }, cancellationToken);
            foreach (var item in response.Items)
            {
                events.Add(FromItem(item));
                if (events.Count > limit)
                {
                    break;
                }
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (events.Count <= limit && start is not null);

        var more = events.Count > limit;
        if (more)
        {
            events.RemoveRange(limit, events.Count - limit);
        }

        return new AuditPage(events, more ? AuditPageToken.Encode(events[^1].Id) : null);
    }

    /// <summary>The GSI key of an event, rebuilt from its id (which starts with its time).</summary>
    private static Dictionary<string, AttributeValue> Key(string id) => new()
    {
        ["id"] = new() { S = id },
        ["data_type"] = new() { S = DataType },
        ["modified_date"] = new() { S = ConfidantDates.ToStored(TimeOf(id)) },
    };

    private static DateTimeOffset TimeOf(string id) =>
        AuditPageToken.TryParseTime(id, out var time) ? time : throw new FormatException("An audit event id starts with its time.");

    private static Dictionary<string, AttributeValue> ToItem(AuditEvent e)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = new() { S = e.Id },
            ["data_type"] = new() { S = DataType },
            ["modified_date"] = new() { S = ConfidantDates.ToStored(e.Time) },
            ["action"] = new() { S = e.Action },
            ["resource_type"] = new() { S = e.ResourceType },
            ["resource_id"] = new() { S = e.ResourceId },
            ["actor"] = new() { S = e.Actor },
            ["actor_type"] = new() { S = e.ActorType },
        };
        if (e.Revision is { } revision)
        {
            item["revision"] = new() { N = revision.ToString(CultureInfo.InvariantCulture) };
        }

        foreach (var (name, value) in new[] { ("subject", e.Subject), ("email", e.Email), ("address", e.Address), ("via", e.Via) })
        {
            if (value is not null)
            {
                item[name] = new() { S = value };
            }
        }

        return item;
    }

    private static AuditEvent FromItem(Dictionary<string, AttributeValue> item) => new()
    {
        Id = item["id"].S,
        Time = ConfidantDates.ParseStored(item["modified_date"].S),
        Action = item["action"].S,
        ResourceType = item["resource_type"].S,
        ResourceId = item["resource_id"].S,
        Revision = item.TryGetValue("revision", out var revision) ? int.Parse(revision.N, CultureInfo.InvariantCulture) : null,
        Actor = item["actor"].S,
        ActorType = item["actor_type"].S,
        Subject = item.TryGetValue("subject", out var subject) ? subject.S : null,
        Email = item.TryGetValue("email", out var email) ? email.S : null,
        Address = item.TryGetValue("address", out var address) ? address.S : null,
        Via = item.TryGetValue("via", out var via) ? via.S : null,
    };
}
