using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbAuditTamperTests(DynaliteFixture dynalite) : AuditTamperContract(new DynamoDbAuditBacking(dynalite));
