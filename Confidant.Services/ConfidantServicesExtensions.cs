using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Catalogue;
using Confidant.Services.Certificates;
using Confidant.Services.Cluster;
using Confidant.Services.Credentials;
using Confidant.Services.Events;
using Confidant.Services.Exposure;
using Confidant.Services.Faults;
using Confidant.Services.Iam;
using Confidant.Services.Jwt;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.Maintenance;
using Confidant.Services.Notifications;
using Confidant.Services.Rekey;
using Confidant.Services.Revisions;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Configuration;
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
        builder.AddConfidantCluster();
        builder.AddConfidantAudit();
        builder.AddConfidantNotifications();
        builder.AddConfidantKms();
        builder.AddConfidantKmsAuth();
        builder.AddConfidantTelemetry();
        builder.AddConfidantFaultHandling();
        builder.AddConfidantEvents();
        builder.AddConfidantDomain();
        builder.AddConfidantJwt();
        builder.AddConfidantRekey();
        return builder;
    }

    /// <summary>Credentials, blind credentials, service mappings, certificates, exposure and the ACL policy.</summary>
    public static IHostApplicationBuilder AddConfidantDomain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CredentialOptions>, CredentialOptionsValidator>();
        builder.AddConfidantAcl();
        builder.Services.AddOptions<MaintenanceOptions>().BindConfiguration(MaintenanceOptions.SectionName);
        builder.Services.AddSingleton<MaintenanceMode>();
        builder.Services.AddSingleton<RevisionReverter>();
        builder.Services.AddSingleton<CredentialReader>();
        builder.Services.AddSingleton<CredentialService>();
        builder.Services.AddSingleton<ArchiveCandidates>();
        builder.Services.AddSingleton<Storage.Copying.StoreCopier>();
        builder.Services.AddSingleton<CredentialConflictDetector>();
        builder.Services.AddSingleton<BlindCredentialService>();
        builder.Services.AddSingleton<ServiceMappingService>();
        builder.Services.AddOptions<ServiceResponseCacheOptions>().BindConfiguration(ServiceResponseCacheOptions.SectionName)
            .Validate(o => o.ServiceResponseCacheSeconds is >= 0 and <= 300, "Api:ServiceResponseCacheSeconds must be between 0 and 300.")
            .Validate(o => o.ServiceResponseCacheSize is >= 1 and <= 100_000, "Api:ServiceResponseCacheSize must be between 1 and 100000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ServiceResponseCache>();
        builder.Services.AddOptions<CatalogueOptions>().BindConfiguration(CatalogueOptions.SectionName)
            .Validate(o => o.MaxAgeSeconds is >= 1 and <= 3600, "Catalogue:MaxAgeSeconds must be between 1 and 3600.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CatalogueReader>();
        builder.Services.AddSingleton<ResourceCatalogue>();
        FaultClock.AddTo(builder.Services);
        builder.Services.AddSingleton<RevisionWriter>();
        builder.Services.AddSingleton<KmsGrantService>();
        builder.Services.AddSingleton<RoleNames>();
        builder.AddConfidantIam();
        builder.AddConfidantCertificates();
        builder.AddConfidantExposure();
        return builder;
    }

    /// <summary>The ACL policy chosen by <c>Acl:Policy</c> (spec §10.1 ACL_MODULE), refused at start-up when unsafe.</summary>
    public static IHostApplicationBuilder AddConfidantAcl(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AclOptions>().BindConfiguration(AclOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AclOptions>>(new AclOptionsValidator(builder.Environment));
        var policy = builder.Configuration.GetSection(AclOptions.SectionName).Get<AclOptions>()?.Policy ?? AclPolicyKind.Default;
        builder.Services.TryAddSingleton<IAclPolicy>(sp => policy == AclPolicyKind.AllowAll
            ? new AllowAllAclPolicy()
            : new DefaultAclPolicy(sp.GetService<CertificateNameRules>()));
        return builder;
    }
}
