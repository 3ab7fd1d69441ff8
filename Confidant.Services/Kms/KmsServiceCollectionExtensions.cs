using Amazon;
using Amazon.KeyManagementService;
using Confidant.Services.Crypto;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Kms;

public static class KmsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IKeyService"/> and <see cref="IKmsGrantManager"/> for the configured provider (and
    /// <see cref="ILocalKeyRing"/> for the local one), plus <see cref="CredentialCipher"/> and its data-key cache.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantKms(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KmsOptions>().BindConfiguration(KmsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KmsOptions>, KmsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // An unknown provider registers no backend; ValidateOnStart then stops the host with the options message.
        var provider = builder.Configuration.GetSection(KmsOptions.SectionName).Get<KmsOptions>()?.ProviderKind
            ?? new KmsOptions().ProviderKind;
        switch (provider)
        {
            case KmsProvider.Aws:
                services.AddSingleton<IAmazonKeyManagementService>(sp => CreateClient(sp.GetRequiredService<IOptions<KmsOptions>>().Value));
                services.AddSingleton<IKeyService>(sp => new AwsKmsKeyService(sp.GetRequiredService<IAmazonKeyManagementService>()));
                services.AddSingleton<IKmsGrantManager>(sp => new AwsKmsGrantManager(sp.GetRequiredService<IAmazonKeyManagementService>()));
                break;
            case KmsProvider.Local:
                services.AddSingleton(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<KmsOptions>>().Value;
                    var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
                    return new LocalKeyService(
                        Path.GetFullPath(options.LocalKeyRingPath, root),
                        LocalAliases(options, sp.GetRequiredService<IOptions<KmsAuth.KmsAuthOptions>>().Value),
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<LocalKeyService>>());
                });
                services.AddSingleton<IKeyService>(sp => sp.GetRequiredService<LocalKeyService>());

                // The same ring, for the keys verbs: a rotation is seen at once by this process's key service.
                services.AddSingleton<ILocalKeyRing>(sp => sp.GetRequiredService<LocalKeyService>());
                services.AddSingleton<IKmsGrantManager, LocalKmsGrantManager>();
                break;
            default:
                break;
        }

        services.AddSingleton(sp => new DataKeyCache(sp.GetRequiredService<IOptions<KmsOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Telemetry.ConfidantMetrics>()));
        services.AddSingleton(sp => new CredentialCipher(
            sp.GetRequiredService<IKeyService>(),
            sp.GetRequiredService<DataKeyCache>(),
            sp.GetRequiredService<IOptions<KmsOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Every key the configuration names by alias exists in the local ring: at-rest and kmsauth keys alike.</summary>
    private static List<string> LocalAliases(KmsOptions options, KmsAuth.KmsAuthOptions auth) =>
        new[] { options.MasterKeyId, auth.AuthKey, auth.UserAuthKey }
            .Concat(auth.ScopedAuthKeys.Select(k => k.Key))
            .OfType<string>()
            .Where(name => name.StartsWith("alias/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static AmazonKeyManagementServiceClient CreateClient(KmsOptions options)
    {
        var config = new AmazonKeyManagementServiceConfig();
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }

        // No explicit credentials: the SDK's default chain (environment, profile, instance role).
        return new AmazonKeyManagementServiceClient(config);
    }
}
