using Confidant.Services.Storage;
using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Tests.Services.Storage.Sqlite;

public sealed class SqliteConfidantStoreTests : ConfidantStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "confidant-tests", Support.StoredItemSamples.NewId());

    private string DatabasePath => Path.Combine(_directory, "nested", "confidant.db");

    protected override async Task<IConfidantStore> CreateStoreAsync()
    {
        var store = new SqliteConfidantStore(DatabasePath, TimeSpan.FromSeconds(5), NullLogger<SqliteConfidantStore>.Instance);
        await store.InitializeAsync(default);
        return store;
    }

    protected override async Task PutRawAsync(StoredItem item)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await SqliteRows.WriteAsync(connection, null, SqliteSchema.Items, "INSERT OR REPLACE", item, default);
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task InitializeAsync_NewFile_CreatesDirectoryWalModeAndSchemaAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; PRAGMA user_version;";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("wal", reader.GetString(0));
        Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
        Assert.Equal(1L, reader.GetInt64(0));
    }

    [Fact]
    public async Task InitializeAsync_ExistingFile_KeepsItsItemsAsync()
    {
        var item = Support.StoredItemSamples.FullCredential(Support.StoredItemSamples.NewId());
        await Store.WriteRevisionAsync(item);

        var reopened = new SqliteConfidantStore(DatabasePath, TimeSpan.FromSeconds(5), NullLogger<SqliteConfidantStore>.Instance);
        await reopened.InitializeAsync(default);

        AssertSameItem(item, await reopened.GetAsync(item.Id));
    }
}
