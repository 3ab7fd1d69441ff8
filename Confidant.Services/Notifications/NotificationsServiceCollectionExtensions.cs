using Amazon.DynamoDBv2;
using Confidant.Services.Audit;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Deliveries.DynamoDb;
using Confidant.Services.Notifications.Deliveries.Sqlite;
using Confidant.Services.Notifications.Email;
using Confidant.Services.Notifications.Owners;
using Confidant.Services.Notifications.UnusualAccess;
using Confidant.Services.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// The delivery log (kept by the same backend as the credentials), the e-mail channel, owner notifications and
    /// the unusual-access notifier the audit ledger hands its flags to. Registered before the webhook channel so that
    /// the delivery log, stopped last, still stores the attempts the senders make while they stop.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider == StorageProvider.DynamoDb)
        {
            services.AddSingleton<IDeliveryLogStore>(sp => new DynamoDbDeliveryLogStore(
                sp.GetRequiredService<IAmazonDynamoDB>(),
                sp.GetRequiredService<IOptions<StorageOptions>>().Value.DynamoDb.Table
                    ?? throw new InvalidOperationException("Storage:DynamoDb:Table is required when Storage:Provider is DynamoDb.")));
        }
        else
        {
            var path = Path.Combine(builder.Environment.ContentRootPath, storage.Sqlite.Path);
            services.AddSingleton<IDeliveryLogStore>(sp => new SqliteDeliveryLogStore(path, sp.GetRequiredService<IOptions<StorageOptions>>().Value.CallTimeout));
        }

        services.AddSingleton<DeliveryLog>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryLog>());
        services.AddSingleton<DeliveryLogReader>();

        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<SmtpMailer>());
        services.AddHostedService(sp => sp.GetRequiredService<SmtpMailer>());

        services.AddSingleton<OwnerAddresses>();
        services.AddSingleton<OwnerMessage>();
        services.AddSingleton<OwnerNotifier>();
        services.AddSingleton<IIncidentNotices, ExposureIncidentNotices>();

        services.AddSingleton<UnusualAccessNotifier>();
        services.AddSingleton<IUnusualAccessSink>(sp => sp.GetRequiredService<UnusualAccessNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<UnusualAccessNotifier>());
        return builder;
    }
}
