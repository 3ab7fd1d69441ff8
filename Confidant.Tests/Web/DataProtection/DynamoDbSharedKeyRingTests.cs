using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Web.DataProtection;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbSharedKeyRingTests(DynaliteFixture dynalite) : SharedKeyRingContract
{
    private string _table = string.Empty;
    private string _archiveTable = string.Empty;

    public override async Task InitializeAsync() => (_table, _archiveTable) = await dynalite.CreateTablesAsync();

    protected override Task<IConfidantStore> OpenStoreAsync() => Task.FromResult<IConfidantStore>(new DynamoDbConfidantStore(
        dynalite.CreateClient(),
        Options.Create(new StorageOptions
        {
            Provider = StorageProvider.DynamoDb,
            DynamoDb = new DynamoDbStorageOptions { Table = _table, ArchiveTable = _archiveTable },
        }),
        NullLogger<DynamoDbConfidantStore>.Instance));
}
