using System.Security.Cryptography;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Audit;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Tests.Support.Audit;

/// <summary>
/// A fresh audit table on dynalite; tampering goes through the DynamoDB API: the chain's blocks are read, decoded
/// (the format is documented), changed and written back as one block.
/// </summary>
public sealed class DynamoDbAuditBacking(DynaliteFixture dynalite) : AuditBacking
{
    public string Table { get; } = $"audit-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    // The store's own block codec, for reading and writing blocks around the store.
    private DynamoDbAuditBlocks Blocks
    {
        get
        {
            var units = new DynamoDbWriteUnits();
            return new DynamoDbAuditBlocks(dynalite.Client, Table, units, new DynamoDbItemSets(dynalite.Client, Table, units, TimeProvider.System));
        }
    }

    public override Task CreateAsync() => new TableBootstrapper(dynalite.Client, TimeProvider.System).EnsureTablesAsync([Table], default);

    public override IAuditStore Open() => new DynamoDbAuditStore(dynalite.Client, Table, createTable: false, TimeProvider.System);

    public override Task DeleteCheckpointAsync(string chainId, long index) =>
        dynalite.Client.DeleteItemAsync(Table, DynamoDbAuditItems.Key(DynamoDbAuditItems.CheckpointKey(chainId, index)));

    public override Task ReopenChainAsync(string chainId) => dynalite.Client.UpdateItemAsync(new UpdateItemRequest
    {
        TableName = Table,
        Key = DynamoDbAuditItems.Key(DynamoDbAuditItems.ChainKey(chainId)),
        UpdateExpression = "REMOVE closed_at SET data_type = :open",
        ExpressionAttributeValues = new() { [":open"] = new AttributeValue { S = DynamoDbAuditItems.OpenChains } },
    });

    // The table is left to dynalite, which the fixture stops after the run.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected override async Task RewriteAsync(string chainId, Action<List<AuditRecord>> change)
    {
        var records = new List<AuditRecord>();
        var blocks = 0L;
        while (true)
        {
            var item = (await dynalite.Client.GetItemAsync(new GetItemRequest
            {
                TableName = Table,
                Key = DynamoDbAuditItems.Key(DynamoDbAuditItems.BlockKey(chainId, blocks + 1)),
                ConsistentRead = true,
            })).Item;
            if (item is not { Count: > 0 })
            {
                break;
            }

            records.AddRange(await Blocks.DecodeAsync(item, default));
            blocks++;
        }

        change(records);
        for (var number = 1L; number <= blocks; number++)
        {
            await dynalite.Client.DeleteItemAsync(Table, DynamoDbAuditItems.Key(DynamoDbAuditItems.BlockKey(chainId, number)));
        }

        if (records.Count > 0)
        {
            await dynalite.Client.PutItemAsync(Table, await Blocks.EncodeAsync(1, records, default));
        }
    }
}
