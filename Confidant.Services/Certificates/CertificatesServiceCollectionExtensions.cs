using Amazon.Runtime.Credentials;
using Confidant.Services.Certificates.AcmPca;
using Confidant.Services.Certificates.Custom;
using Confidant.Services.Certificates.Local;
using Confidant.Services.Kms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Certificates;

public static class CertificatesServiceCollectionExtensions
{
    /// <summary>The CAs of <c>Certificates:Provider</c>, the certificate domain service and the ACL's name rules.</summary>
    public static IHostApplicationBuilder AddConfidantCertificates(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        // Unset, the provider follows the key service, as Iam:Provider does: the local CA on the embedded defaults;
        // with AWS KMS, AWS Private CA (the original's CA_TYPE default), which offers no CA until some are named.
        var provider = builder.Configuration.GetSection(CertificateOptions.SectionName)[nameof(CertificateOptions.Provider)]
            ?? (builder.Configuration.GetSection(KmsOptions.SectionName).Get<KmsOptions>()?.ProviderKind == KmsProvider.Aws
                ? nameof(CertificateProvider.AcmPca)
                : nameof(CertificateProvider.Local));
        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.SectionName)
            .Configure(options => options.Provider = provider)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CertificateOptions>, CertificateOptionsValidator>();
        services.AddSingleton<CertificateNameRules>();
        services.AddSingleton<CertificateService>();

        // An unknown provider registers no CA; ValidateOnStart then stops the host with the options message.
        switch (new CertificateOptions { Provider = provider }.ProviderKind)
        {
            case CertificateProvider.Local:
                services.AddSingleton(sp => new CertificateAuthorities([Local(sp)], sp.GetRequiredService<TimeProvider>()));
                services.AddHostedService<LocalCertificateAuthorityStartup>();
                break;
            case CertificateProvider.AcmPca:
                services.AddSingleton(sp => new CertificateAuthorities(AcmPca(sp), sp.GetRequiredService<TimeProvider>()));
                break;
            case CertificateProvider.Custom:
                services.AddSingleton(sp => new CertificateAuthorities(Custom(sp), sp.GetRequiredService<TimeProvider>()));
                break;
            default:
                break;
        }

        return builder;
    }

    private static LocalCertificateAuthority Local(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CertificateOptions>>().Value.Local;
        return new LocalCertificateAuthority(
            options,
            Path.GetFullPath(options.Path, services.GetRequiredService<IHostEnvironment>().ContentRootPath),
            options.KeyId ?? services.GetRequiredService<IOptions<KmsOptions>>().Value.MasterKeyId,
            services.GetRequiredService<IKeyService>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<LocalCertificateAuthority>>());
    }

    private static List<ICertificateAuthority> AcmPca(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CertificateOptions>>().Value.AcmPca;
        if (options.Authorities.Count == 0)
        {
            return [];
        }

        // No explicit credentials: the SDK's default chain (environment, profile, container or instance role).
        var client = new AcmPcaClient(
            new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
            () => DefaultAWSCredentialsIdentityResolver.GetCredentials(),
            string.IsNullOrEmpty(options.ServiceUrl) ? null : options.ServiceUrl,
            services.GetRequiredService<TimeProvider>());
        return options.Authorities.Select(a => (ICertificateAuthority)new AcmPcaCertificateAuthority(a, client)).ToList();
    }

    private static List<ICertificateAuthority> Custom(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CertificateOptions>>().Value.Custom;
        var time = services.GetRequiredService<TimeProvider>();
        return CustomAuthorityEntries.Load(options)
            .Select(e => (ICertificateAuthority)new CustomCertificateAuthority(e.Name, e.Signer, e.Root, options, time))
            .ToList();
    }
}
