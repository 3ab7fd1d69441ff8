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
}
