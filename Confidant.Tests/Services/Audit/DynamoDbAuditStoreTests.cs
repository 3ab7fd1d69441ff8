using System.Security.Cryptography;
using Confidant.Services.Audit;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbAuditStoreTests(DynaliteFixture dynalite) : AuditStoreContract
{
    protected override Task<IAuditStore> CreateStoreAsync() => Task.FromResult<IAuditStore>(new DynamoDbAuditStore(
        dynalite.Client,
        $"audit-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}",
        createTable: true,
        TimeProvider.System));

    [Fact]
    public async Task Initialize_MissingTableWithoutCreate_FailsNamingTheTable()
    {
        var store = new DynamoDbAuditStore(dynalite.Client, "no-such-audit-table", createTable: false, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("'no-such-audit-table' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:DynamoDb:AuditTable", error.Message, StringComparison.Ordinal);
    }
}
