using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>
/// The configured DynamoDB tables (spec §6.1): the primary and archive tables of the items, and the audit trail's
/// table, all with the same key schema. Creating them is idempotent: existing tables are kept as they are.
/// </summary>
public sealed class DynamoDbTables(IAmazonDynamoDB client, IOptions<StorageOptions> options, TimeProvider time)
{
    /// <summary>The primary and (when configured) archive tables.</summary>
    public IReadOnlyList<string> StoreTables
    {
        get
        {
            var dynamo = options.Value.DynamoDb;
            return dynamo.ArchiveTable is { } archive ? [dynamo.Table!, archive] : [dynamo.Table!];
        }
    }

    /// <summary>The audit trail's table (<c>Storage:DynamoDb:AuditTable</c>, default <c>&lt;Table&gt;-audit</c>).</summary>
    public string AuditTable => options.Value.DynamoDb.AuditTable ?? $"{options.Value.DynamoDb.Table}-audit";

    public Task CreateStoreTablesAsync(CancellationToken cancellationToken = default) =>
        new TableBootstrapper(client, time).EnsureTablesAsync(StoreTables, cancellationToken);

    /// <summary>Creates <paramref name="table"/> unless it exists, and waits until it is ACTIVE. Returns whether it was new.</summary>
    public async Task<bool> CreateAsync(string table, CancellationToken cancellationToken = default)
    {
        var existed = await ExistsAsync(table, cancellationToken);
        await new TableBootstrapper(client, time).EnsureTablesAsync([table], cancellationToken);
        return !existed;
    }

    private async Task<bool> ExistsAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await client.DescribeTableAsync(table, cancellationToken);
            return true;
        }
        catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
        {
            return false;
        }
    }
}
