using Amazon.DynamoDBv2.Model;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Deliveries.DynamoDb;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Notifications;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbDeliveryLogStoreTests(DynaliteFixture dynalite) : DeliveryLogStoreContract
{
    private string _table = null!;

    protected override async Task<IDeliveryLogStore> CreateStoreAsync()
    {
        (_table, _) = await dynalite.CreateTablesAsync();
        return new DynamoDbDeliveryLogStore(dynalite.Client, _table);
    }

    [Fact]
    public async Task Append_InThePrimaryTable_TheOriginalsQueriesDoNotSeeIt()
    {
        await Store.AppendAsync([new DeliveryAttempt(
            DeliveryAttemptIds.New(), DeliveryAttemptIds.New(), "service_update", DeliveryChannels.Webhook, "ops", 1,
            new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), DeliveryOutcomes.Delivered, "200", null, null)]);
        var store = new DynamoDbConfidantStore(
            dynalite.Client,
            Options.Create(new StorageOptions { Provider = StorageProvider.DynamoDb, DynamoDb = { Table = _table } }),
            NullLogger<DynamoDbConfidantStore>.Instance);

        // spec §6.9: the original lists each data type through the GSI; the delivery log is none of them.
        foreach (var type in Enum.GetValues<DataType>())
        {
            Assert.Empty((await store.QueryAsync(type, PageRequest.All)).Items);
        }

        var scan = await dynalite.Client.ScanAsync(new ScanRequest { TableName = _table });
        var item = Assert.Single(scan.Items);
        Assert.StartsWith("notification-delivery:", item["id"].S, StringComparison.Ordinal);
        Assert.Equal(DynamoDbDeliveryLogStore.DataType, item["data_type"].S);
    }
}
