using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Internal;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Confidant.Web.DataProtection;

public static class DataProtectionExtensions
{
    /// <summary>
    /// The application name every instance shares: Data Protection isolates rings by it, and by default derives it
    /// from the content root, which differs between machines.
    /// </summary>
    public const string ApplicationName = "confidant";

    /// <summary>
    /// ASP.NET Core Data Protection (sign-in cookies, antiforgery tokens) on one key ring for the whole installation:
    /// kept in the store, wrapped by the key service, read again every <c>DataProtection:KeyRingRefreshSeconds</c>.
    /// Keys live Data Protection's default 90 days; whichever instance first needs a new one creates it.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantDataProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>();
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IConfidantStore, IKeyService, IOptions<KmsOptions>, TimeProvider>((options, store, keys, kms, time) =>
            {
                options.XmlRepository = new StoreXmlRepository(store, time);
                options.XmlEncryptor = new KeyServiceXmlEncryptor(keys, kms.Value.MasterKeyId);
            });

        builder.Services.AddSingleton<KeyRingRefresher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KeyRingRefresher>());
        builder.Services.AddSingleton<IKeyManager>(services => new SharedKeyManager(
            new XmlKeyManager(
                services.GetRequiredService<IOptions<KeyManagementOptions>>(),
                services.GetRequiredService<IActivator>(),
                services.GetRequiredService<ILoggerFactory>()),
            services.GetRequiredService<KeyRingRefresher>()));
        return builder;
    }
}
