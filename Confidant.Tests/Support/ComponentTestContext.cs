using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Catalogue;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Services.Faults;
using Confidant.Services.Iam;
using Confidant.Services.KmsAuth;
using Confidant.Services.Maintenance;
using Confidant.Services.Notifications;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Owners;
using Confidant.Services.Rekey;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Auth;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Confidant.Tests.Support;

/// <summary>bUnit context with MudBlazor services, loose JS interop and an authorization context.</summary>
public class ComponentTestContext : BunitContext, IAsyncLifetime
{
    public ComponentTestContext()
    {
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddScoped<BrowserTimeZone>();
        Services.AddUiCallers();
        Services.AddSingleton(Options.Create(new AuthOptions { Mode = AuthOptions.DevelopmentMode }));
        JSInterop.Mode = JSRuntimeMode.Loose;
        Authorization = AddAuthorization();
    }

    public BunitAuthorizationContext Authorization { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Gives the components the real domain services of <paramref name="host"/>, as the app wires them.</summary>
    protected void AddDomainServices(DomainHost host)
    {
        Services.AddSingleton(host.Get<CredentialReader>());
        Services.AddSingleton(host.Get<ResourceCatalogue>());
        Services.AddSingleton(host.Get<AuditReader>());
        Services.AddSingleton(host.Get<RekeyService>());
        Services.AddSingleton(host.Get<CredentialService>());
        Services.AddSingleton(host.Get<BlindCredentialService>());
        Services.AddSingleton(host.Get<ServiceMappingService>());
        Services.AddSingleton(host.Get<CredentialConflictDetector>());
        Services.AddSingleton(host.Get<KmsGrantService>());
        Services.AddSingleton(host.Get<RoleNames>());
        Services.AddSingleton(host.Get<IAclPolicy>());
        Services.AddSingleton(host.Get<IOptions<KmsAuthOptions>>());
        Services.AddSingleton(host.Get<MaintenanceMode>());
        Services.AddSingleton(host.Get<FaultLog>());
        Services.AddSingleton(host.Get<DeliveryLogReader>());
        Services.AddSingleton(host.Get<OwnerNotifier>());
        Services.AddSingleton(host.Get<IIncidentNotices>());
        Services.AddSingleton(host.Get<IOptions<NotificationsOptions>>());
        Services.AddSingleton(host.Get<ExposureIndex>());
        Services.AddSingleton(host.Get<ExposureService>());
        Services.AddSingleton(host.Get<BlastRadius>());
        Services.AddSingleton(host.Get<IncidentProgress>());
    }

    /// <summary>Signs alice@example.com in with the given roles (none: a person without access).</summary>
    protected void SignIn(params string[] roles)
    {
        Authorization.SetAuthorized("alice@example.com");
        Authorization.SetClaims([new Claim(ClaimTypes.Email, "alice@example.com"), .. roles.Select(r => new Claim(ConfidantClaims.Role, r))]);
    }

    // MudBlazor registers services that are only IAsyncDisposable; xunit 2 would otherwise call the sync Dispose.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
