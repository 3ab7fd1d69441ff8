using Amazon.DynamoDBv2;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Services.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IConfidantStore"/> for the configured provider.</summary>
    public static IHostApplicationBuilder AddConfidantStorage(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(StorageOptions.SectionName);
        builder.Services.AddOptions<StorageOptions>().Bind(section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        var options = section.Get<StorageOptions>() ?? new StorageOptions();
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                var path = Path.Combine(builder.Environment.ContentRootPath, options.Sqlite.Path);
                builder.Services.AddSingleton(services =>
                    new SqliteConfidantStore(
                        path,
                        services.GetRequiredService<IOptions<StorageOptions>>().Value.CallTimeout,
                        services.GetRequiredService<ILogger<SqliteConfidantStore>>()));
                builder.Services.AddSingleton<IConfidantStore>(services => services.GetRequiredService<SqliteConfidantStore>());
                builder.Services.AddSingleton(new SqliteBackup(path));
                builder.Services.AddSingleton(services => new StorageInitialization(
                    services.GetRequiredService<SqliteConfidantStore>().InitializeAsync));
                break;
            case StorageProvider.DynamoDb:
                builder.Services.TryAddSingleton<IAmazonDynamoDB>(_ => CreateClient(options.DynamoDb));
                builder.Services.AddSingleton<IConfidantStore, DynamoDbConfidantStore>();
                builder.Services.AddSingleton(services => new DynamoDbTables(
                    services.GetRequiredService<IAmazonDynamoDB>(),
                    services.GetRequiredService<IOptions<StorageOptions>>(),
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<Audit.AuditRecorder>));
                builder.Services.AddSingleton(services => new StorageInitialization(options.DynamoDb.CreateTable
                    ? cancellationToken => services.GetRequiredService<DynamoDbTables>().CreateStoreTablesAsync(cancellationToken)
                    : _ => Task.CompletedTask));

                break;
            default:
                // The validator reports the unknown provider at start.
                break;
        }

        builder.Services.AddHostedService(services => new StorageStartup(services.GetService<StorageInitialization>()));
        return builder;
    }

    internal static AmazonDynamoDBClient CreateClient(DynamoDbStorageOptions options)
    {
        var config = new AmazonDynamoDBConfig();
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }

        // The default credential chain: environment, profile, container or instance role.
        return new AmazonDynamoDBClient(config);
    }

    /// <summary>Runs the backend's schema or table bootstrap once when the host starts.</summary>
    private sealed class StorageStartup(StorageInitialization? initialization) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => initialization?.RunAsync(cancellationToken) ?? Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
