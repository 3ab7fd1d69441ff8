using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Storage.DynamoDb;

[Collection(DynaliteCollection.Name)]
public sealed partial class DynamoDbConfidantStoreTests(DynaliteFixture dynalite) : ConfidantStoreContract
{
    private string _table = string.Empty;
    private string _archiveTable = string.Empty;

    protected override async Task<IConfidantStore> CreateStoreAsync()
    {
        var (table, archiveTable) = await dynalite.CreateTablesAsync();
        _table = table;
        _archiveTable = archiveTable;
        return CreateStore(table, archiveTable);
    }

    protected override async Task PutRawAsync(StoredItem item) =>
        await dynalite.Client.PutItemAsync(new PutItemRequest { TableName = _table, Item = ItemCodec.Encode(item) });

    private DynamoDbConfidantStore CreateStore(string table, string? archiveTable, IAmazonDynamoDB? client = null) => new(
        client ?? dynalite.Client,
        Options.Create(new StorageOptions
        {
            Provider = StorageProvider.DynamoDb,
            DynamoDb = new DynamoDbStorageOptions { Table = table, ArchiveTable = archiveTable },
        }),
        NullLogger<DynamoDbConfidantStore>.Instance);

    private async Task<Dictionary<string, AttributeValue>> GetRawAsync(string id)
    {
        var response = await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = ItemCodec.Key(id),
            ConsistentRead = true,
        });
        Assert.True(response.Item is { Count: > 0 }, $"no item {id}");
        return response.Item;
    }

    private async Task PutRawAttributesAsync(Dictionary<string, AttributeValue> item) =>
        await dynalite.Client.PutItemAsync(new PutItemRequest { TableName = _table, Item = item });
}
