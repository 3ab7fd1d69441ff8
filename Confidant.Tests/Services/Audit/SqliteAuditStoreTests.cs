using Confidant.Services.Audit;
using Confidant.Services.Audit.Sqlite;

namespace Confidant.Tests.Services.Audit;

public sealed class SqliteAuditStoreTests : AuditStoreContract
{
    protected override Task<IAuditStore> CreateStoreAsync() =>
        Task.FromResult<IAuditStore>(new SqliteAuditStore(Path.Combine(Directory.CreateTempSubdirectory("confidant-audit-").FullName, "audit.db"), TimeSpan.FromSeconds(5)));
}
