using Confidant.Tests.Support.Audit;

namespace Confidant.Tests.Services.Audit;

public sealed class SqliteAuditTamperTests() : AuditTamperContract(new SqliteAuditBacking());
