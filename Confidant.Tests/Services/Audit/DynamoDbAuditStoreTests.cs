using Confidant.Services.Audit.DynamoDb;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbAuditStoreTests(DynaliteFixture dynalite) : AuditStoreContract(new DynamoDbAuditBacking(dynalite))
{
    [Fact]
    public async Task Initialize_MissingTableWithoutCreate_FailsNamingTheTable()
    {
        var store = new DynamoDbAuditStore(dynalite.Client, "no-such-audit-table", createTable: false, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("'no-such-audit-table' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:DynamoDb:AuditTable", error.Message, StringComparison.Ordinal);
    }
}
