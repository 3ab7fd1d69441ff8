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
        Assert.Equal(2L, reader.GetInt64(0));
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

    [Fact]
    public async Task InitializeAsync_VersionOneFile_TakesTheListFieldsOutOfTheBodiesAsync()
    {
        var disabled = Support.StoredItemSamples.FullCredential(Support.StoredItemSamples.NewId());
        var blind = Support.StoredItemSamples.FullBlindCredential(Support.StoredItemSamples.NewId());
        var mapping = Support.StoredItemSamples.FullService("web-production");
        var archived = Support.StoredItemSamples.Credential(Support.StoredItemSamples.NewId(), name: "old") with
        {
            ArchiveDate = Support.StoredItemSamples.At(90),
        };
        var path = Path.Combine(_directory, "version-1.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, VersionOneSchema);
            foreach (var item in new StoredItem[] { disabled, blind, mapping })
            {
                await PutVersionOneAsync(connection, "items", item);
            }

            await PutVersionOneAsync(connection, "archive_items", archived);
        }

        var store = new SqliteConfidantStore(path, TimeSpan.FromSeconds(5), NullLogger<SqliteConfidantStore>.Instance);
        await store.InitializeAsync(default);

        foreach (var dataType in new[] { DataType.Credential, DataType.BlindCredential, DataType.Service })
        {
            var full = await store.QueryAsync(dataType, PageRequest.All);
            Assert.Equal(full.Items.Select(NamesOf), (await store.ListNamesAsync(StoreTable.Primary, dataType, PageRequest.All)).Items);
        }

        Assert.Equal(
            [NamesOf(archived)],
            (await store.ListNamesAsync(StoreTable.Archive, DataType.Credential, PageRequest.All)).Items);
        Assert.Equal(3, Assert.Single((await store.ListNamesAsync(StoreTable.Primary, DataType.Service, PageRequest.All)).Items).MappedCount);
        AssertSameItem(disabled, await store.GetAsync(disabled.Id));
    }

    [Theory]
    [InlineData("items")]
    [InlineData("archive_items")]
    public async Task ListNames_Query_IsAnsweredByTheListIndexAloneAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            EXPLAIN QUERY PLAN SELECT {SqliteNames.Columns} FROM {table}
            WHERE data_type = 'credential' AND (modified_date, id) > ('2024', '') ORDER BY modified_date, id LIMIT 100
            """;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Contains($"USING COVERING INDEX ix_{table}_list", reader.GetString(3), StringComparison.Ordinal);
    }

    // The layout of version 1: list fields in the body only, and an index on the date alone.
    private const string VersionOneSchema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE items (id TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, modified_date TEXT NOT NULL,
            revision INTEGER NOT NULL, name TEXT, body TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX ix_items_data_type_date ON items (data_type, modified_date, id);
        CREATE INDEX ix_items_data_type_name ON items (data_type, name);
        CREATE TABLE archive_items (id TEXT NOT NULL PRIMARY KEY, archive_date TEXT NOT NULL, data_type TEXT NOT NULL,
            modified_date TEXT NOT NULL, revision INTEGER NOT NULL, name TEXT, body TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX ix_archive_items_data_type_date ON archive_items (data_type, modified_date, id);
        CREATE INDEX ix_archive_items_data_type_name ON archive_items (data_type, name);
        PRAGMA user_version = 1;
        """;

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task PutVersionOneAsync(SqliteConnection connection, string table, StoredItem item)
    {
        await using var command = connection.CreateCommand();
        var archive = table == "archive_items";
        command.CommandText = $"""
            INSERT INTO {table} (id, data_type, modified_date, revision, name, body{(archive ? ", archive_date" : string.Empty)})
            VALUES ($id, $data_type, $modified_date, $revision, $name, $body{(archive ? ", $archive_date" : string.Empty)})
            """;
        command.Parameters.AddWithValue("$id", item.Id);
        command.Parameters.AddWithValue("$data_type", item.DataType.ToWire());
        command.Parameters.AddWithValue("$modified_date", ConfidantDates.ToStored(item.ModifiedDate));
        command.Parameters.AddWithValue("$revision", item.Revision);
        command.Parameters.AddWithValue("$name", item is CredentialItem c ? c.Name : item is BlindCredentialItem b ? b.Name : DBNull.Value);
        command.Parameters.AddWithValue("$body", StoredItemJson.Serialize(item));
        if (archive)
        {
            command.Parameters.AddWithValue("$archive_date", ConfidantDates.ToStored(item.ArchiveDate!.Value));
        }

        await command.ExecuteNonQueryAsync();
    }
}
