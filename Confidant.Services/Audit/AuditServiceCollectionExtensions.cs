using Amazon.DynamoDBv2;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Services.Audit.Sqlite;
using Confidant.Services.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit trail, kept by the same backend as the credentials (SQLite file or a DynamoDB table), the ledger
    /// (<see cref="AuditLog"/>) and the verifier. The store is created at start; the ledger's chain is closed at stop.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        var options = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (options.Provider == StorageProvider.DynamoDb)
        {
            var table = options.DynamoDb.AuditTable ?? $"{options.DynamoDb.Table}-audit";
            builder.Services.AddSingleton<IAuditStore>(sp => new DynamoDbAuditStore(
                sp.GetRequiredService<IAmazonDynamoDB>(),
                table,
                options.DynamoDb.CreateTable,
                sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            var path = Path.Combine(builder.Environment.ContentRootPath, options.Sqlite.Path);
            builder.Services.AddSingleton<IAuditStore>(sp => new SqliteAuditStore(
                path,
                sp.GetRequiredService<IOptions<StorageOptions>>().Value.CallTimeout,
                sp.GetRequiredService<TimeProvider>()));
        }

        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditVerifier>();
        builder.Services.AddSingleton<AuditRecorder>();
        builder.Services.AddSingleton<AuditReader>();
        builder.Services.AddHostedService<AuditLifetime>();
        return builder;
    }

    private sealed class AuditLifetime(IAuditStore store, AuditLog audit) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => audit.CloseAsync(cancellationToken);
    }
}
