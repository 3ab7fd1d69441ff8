using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Faults;
using Confidant.Services.Iam;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.Revisions;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services;

public static class ConfidantServicesExtensions
{
    /// <summary>Everything Confidant.Web needs from this project: storage, keys, crypto and the domain services.</summary>
    public static IHostApplicationBuilder AddConfidantServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddConfidantStorage();
        StoreGeneration.Track(builder.Services);
        builder.AddConfidantAudit();
        builder.AddConfidantKms();
        builder.AddConfidantKmsAuth();
        builder.AddConfidantFaultHandling();
        builder.AddConfidantDomain();
        return builder;
    }

    /// <summary>Credentials, blind credentials, service mappings and the ACL policy.</summary>
    public static IHostApplicationBuilder AddConfidantDomain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CredentialOptions>, CredentialOptionsValidator>();
        builder.Services.AddOptions<ServiceMappingOptions>().BindConfiguration(ServiceMappingOptions.SectionName);
        builder.Services.TryAddSingleton<IAclPolicy, DefaultAclPolicy>();
        builder.Services.AddSingleton<CredentialReader>();
        builder.Services.AddSingleton<CredentialService>();
        builder.Services.AddSingleton<CredentialConflictDetector>();
        builder.Services.AddSingleton<BlindCredentialService>();
        builder.Services.AddSingleton<ServiceMappingService>();
        FaultClock.AddTo(builder.Services);
        builder.Services.AddSingleton<RevisionWriter>();
        builder.Services.AddSingleton<KmsGrantService>();
        builder.AddConfidantIam();
        return builder;
    }
}
