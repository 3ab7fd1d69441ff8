using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbAuditChainTests(DynaliteFixture dynalite) : AuditChainContract(new DynamoDbAuditBacking(dynalite));
