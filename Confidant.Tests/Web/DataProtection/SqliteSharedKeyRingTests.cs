using Confidant.Services.Storage;
using Confidant.Services.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Tests.Web.DataProtection;

public sealed class SqliteSharedKeyRingTests : SharedKeyRingContract
{
    protected override async Task<IConfidantStore> OpenStoreAsync()
    {
        var store = new SqliteConfidantStore(Path.Combine(DataDirectory, "confidant.db"), TimeSpan.FromSeconds(5), NullLogger<SqliteConfidantStore>.Instance);
        await store.InitializeAsync(default);
        return store;
    }
}
