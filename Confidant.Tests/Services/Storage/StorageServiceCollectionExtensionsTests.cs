using Amazon.DynamoDBv2;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Services.Storage.Sqlite;
using Confidant.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Storage;

[Collection(DynaliteCollection.Name)]
public sealed class StorageServiceCollectionExtensionsTests(DynaliteFixture dynalite) : IDisposable
{
    private readonly string _contentRoot = Path.Combine(Path.GetTempPath(), "confidant-tests", StoredItemSamples.NewId());

    private IHost BuildHost(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        Directory.CreateDirectory(_contentRoot);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _contentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        services?.Invoke(builder.Services);
        builder.AddConfidantStorage();
        return builder.Build();
    }

    [Fact]
    public async Task AddConfidantStorage_NoSettings_CreatesSqliteFileUnderContentRootAtStartAsync()
    {
        using var host = BuildHost([]);

        await host.StartAsync();

        Assert.IsType<SqliteConfidantStore>(host.Services.GetRequiredService<IConfidantStore>());
        Assert.True(File.Exists(Path.Combine(_contentRoot, "App_Data", "confidant.db")));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddConfidantStorage_DynamoDbWithoutTable_FailsAtStartNamingTheKeyAsync()
    {
        using var host = BuildHost(new() { ["Storage:Provider"] = "DynamoDb" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Storage:DynamoDb:Table is required when Storage:Provider is DynamoDb.", error.Failures);
    }

    [Fact]
    public async Task AddConfidantStorage_DynamoDbWithCreateTable_CreatesBothTablesAtStartAsync()
    {
        var table = "di-" + StoredItemSamples.NewId();
        using var host = BuildHost(
            new()
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:Table"] = table,
                ["Storage:DynamoDb:ArchiveTable"] = table + "-archive",
                ["Storage:DynamoDb:CreateTable"] = "true",
            },
            services => services.AddSingleton(dynalite.Client));

        await host.StartAsync();

        var store = host.Services.GetRequiredService<IConfidantStore>();
        Assert.IsType<DynamoDbConfidantStore>(store);
        var description = await dynalite.Client.DescribeTableAsync(table);
        Assert.Equal(TableBootstrapper.DateIndexName, Assert.Single(description.Table.GlobalSecondaryIndexes).IndexName);
        Assert.Equal(10, description.Table.ProvisionedThroughput.ReadCapacityUnits);
        await dynalite.Client.DescribeTableAsync(table + "-archive");
        var item = StoredItemSamples.Service("di-service");
        await store.WriteRevisionAsync(item);
        Assert.NotNull(await store.GetAsync(item.Id));
        await host.StopAsync();
    }

    [Fact]
    public void AddConfidantStorage_DynamoDbWithServiceUrl_PointsTheClientThere()
    {
        using var host = BuildHost(new()
        {
            ["Storage:Provider"] = "DynamoDb",
            ["Storage:DynamoDb:Table"] = "t",
            ["Storage:DynamoDb:ServiceUrl"] = "http://127.0.0.1:1/",
            ["Storage:DynamoDb:Region"] = "eu-west-1",
        });

        var client = host.Services.GetRequiredService<IAmazonDynamoDB>();

        Assert.Equal("http://127.0.0.1:1/", client.Config.ServiceURL);
        Assert.Equal("eu-west-1", client.Config.AuthenticationRegion);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_contentRoot))
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
    }
}
