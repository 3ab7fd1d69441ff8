using Confidant.Services.Storage.DynamoDb;
using Confidant.Services.Storage.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage.Copying;

/// <summary>
/// Opens a store at a <see cref="StoreLocation"/> other than the configured one, with the configured DynamoDB region
/// and endpoint and call timeout: a SQLite file gets its schema; DynamoDB tables must exist (<c>tables create</c>).
/// </summary>
internal sealed class StoreOpener(IOptions<StorageOptions> options, ILoggerFactory loggers)
{
    public async Task<IConfidantStore> OpenAsync(StoreLocation location, CancellationToken cancellationToken)
    {
        var configured = options.Value;
        if (location.Provider == StorageProvider.Sqlite)
        {
            var sqlite = new SqliteConfidantStore(Path.GetFullPath(location.Name), configured.CallTimeout, loggers.CreateLogger<SqliteConfidantStore>());
            await sqlite.InitializeAsync(cancellationToken);
            return sqlite;
        }

        var dynamo = new DynamoDbStorageOptions
        {
            Table = location.Name,
            ArchiveTable = location.ArchiveTable ?? configured.DynamoDb.ArchiveTable,
            Region = configured.DynamoDb.Region,
            ServiceUrl = configured.DynamoDb.ServiceUrl,
        };
        var client = StorageServiceCollectionExtensions.CreateClient(dynamo);
        return new DynamoDbConfidantStore(
            client,
            Options.Create(new StorageOptions { Provider = StorageProvider.DynamoDb, DynamoDb = dynamo }),
            loggers.CreateLogger<DynamoDbConfidantStore>());
    }
}
