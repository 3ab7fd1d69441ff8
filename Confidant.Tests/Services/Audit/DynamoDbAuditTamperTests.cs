using Amazon.DynamoDBv2.Model;
using Confidant.Services.Audit;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbAuditTamperTests(DynaliteFixture dynalite) : AuditTamperContract(new DynamoDbAuditBacking(dynalite))
{
    [Fact]
    public async Task DeliveredItemListEdited_FirstRecordNamingItFailsAltered()
    {
        var log = NewLog();
        var read = ServiceRead(Workload("billing"), "billing", CredentialsOf("billing"));
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        await log.RecordAsync(read);
        await log.RecordAsync(read);
        await log.CloseAsync();
        var key = DynamoDbAuditItems.Key(DynamoDbItemSets.Key(AuditItemSets.IdOf(read.Items)));
        var table = ((DynamoDbAuditBacking)Backing).Table;

        // The list now says the workload received another credential than it did.
        var stored = (await dynalite.Client.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true })).Item;
        var items = AuditCanonical.ParseItems(stored["items"].B.ToArray());
        items[0] = items[0] with { Id = "0000000000000000000000000000beef" };
        stored["items"] = new AttributeValue { B = new MemoryStream(new AuditCanonical().Items(items).ToArray()) };
        await dynalite.Client.PutItemAsync(table, stored);

        var problem = Assert.Single((await VerifyAsync()).Problems);
        Assert.Equal((log.CurrentChainId, 3L, AuditProblemKind.Altered), (problem.ChainId, problem.Sequence, problem.Kind));
    }
}
