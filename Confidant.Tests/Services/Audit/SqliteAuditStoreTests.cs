using Confidant.Tests.Support.Audit;

namespace Confidant.Tests.Services.Audit;

public sealed class SqliteAuditStoreTests() : AuditStoreContract(new SqliteAuditBacking());
