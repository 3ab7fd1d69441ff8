using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>Creates Confidant's tables when asked to (DYNAMODB_CREATE_TABLE, spec §6.1).</summary>
internal sealed class TableBootstrapper(IAmazonDynamoDB client, TimeProvider timeProvider)
{
    public const string DateIndexName = "data_type_date_index";

    private static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Creates each table that does not exist yet and waits until all are ACTIVE.</summary>
    public async Task EnsureTablesAsync(IEnumerable<string> tableNames, CancellationToken cancellationToken)
    {
        foreach (var tableName in tableNames)
        {
            if (!await ExistsAsync(tableName, cancellationToken))
            {
                try
                {
                    await client.CreateTableAsync(CreateRequest(tableName), cancellationToken);
                }
                catch (ResourceInUseException)
                {
                    // Another instance created it between our check and our call.
                }
            }

            await WaitUntilActiveAsync(tableName, cancellationToken);
        }
    }

    // Spec §6.1: hash key id (S), no sort key, GSI data_type_date_index (data_type S, modified_date S, ALL), 10/10.
    private static CreateTableRequest CreateRequest(string tableName) => new()
    {
        TableName = tableName,
        AttributeDefinitions =
        [
            new AttributeDefinition("id", ScalarAttributeType.S),
            new AttributeDefinition("data_type", ScalarAttributeType.S),
            new AttributeDefinition("modified_date", ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
        ProvisionedThroughput = new ProvisionedThroughput(10, 10),
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = DateIndexName,
                KeySchema =
                [
                    new KeySchemaElement("data_type", KeyType.HASH),
                    new KeySchemaElement("modified_date", KeyType.RANGE),
                ],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
                ProvisionedThroughput = new ProvisionedThroughput(10, 10),
            },
        ],
    };

    private async Task<bool> ExistsAsync(string tableName, CancellationToken cancellationToken)
    {
        try
        {
            await client.DescribeTableAsync(tableName, cancellationToken);
            return true;
        }
        catch (ResourceNotFoundException)
        {
            return false;
        }
    }

    private async Task WaitUntilActiveAsync(string tableName, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + ActiveTimeout;
        for (var attempt = 0; ; attempt++)
        {
            var table = (await client.DescribeTableAsync(tableName, cancellationToken)).Table;
            var indexesActive = table.GlobalSecondaryIndexes is not { } indexes
                || indexes.TrueForAll(index => index.IndexStatus == IndexStatus.ACTIVE);
            if (table.TableStatus == TableStatus.ACTIVE && indexesActive)
            {
                return;
            }

            if (timeProvider.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"DynamoDB table {tableName} did not become ACTIVE within {ActiveTimeout}.");
            }

            // Local servers turn ACTIVE within milliseconds, AWS within seconds: poll fast first, then back off.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 10 << Math.Min(attempt, 7))), timeProvider, cancellationToken);
        }
    }
}
