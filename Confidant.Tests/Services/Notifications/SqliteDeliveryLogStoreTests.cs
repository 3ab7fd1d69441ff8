using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Deliveries.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Services.Notifications;

public sealed class SqliteDeliveryLogStoreTests : DeliveryLogStoreContract
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("confidant-deliveries-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    protected override Task<IDeliveryLogStore> CreateStoreAsync() =>
        Task.FromResult<IDeliveryLogStore>(new SqliteDeliveryLogStore(Path.Combine(_directory.FullName, "confidant.db"), TimeSpan.FromSeconds(5)));
}
