using Confidant.Web.Api.Errors;
using Confidant.Web.Api.Filters;
using Confidant.Web.Api.RateLimiting;

namespace Confidant.Web.Api;

/// <summary>The /v1 route table (spec §4.12) and the filters every route shares.</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapConfidantApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthcheck", () => Results.Empty).ExcludeFromDescription();

        var anonymous = endpoints.MapGroup("/v1").WithApiDefaults(authenticated: false)
            .RequireRateLimiting(RateLimitingExtensions.AnonymousPolicy);
        anonymous.MapAnonymousEndpoints();
        anonymous.MapJwksEndpoints();

        var v1 = endpoints.MapGroup("/v1").WithApiDefaults(authenticated: true);
        v1.MapIdentityEndpoints();
        v1.MapCredentialEndpoints();
        v1.MapBlindCredentialEndpoints();
        v1.MapServiceMappingEndpoints();
        v1.MapGrantEndpoints();
        v1.MapRoleEndpoints();
        v1.MapCertificateEndpoints();
        v1.MapJwtEndpoints();
        v1.MapAuditEndpoints();
        v1.MapNotificationEndpoints();
        v1.MapExposureEndpoints();
        v1.MapRekeyEndpoints();
        return endpoints;
    }

    /// <summary>
    /// Filter order matters (spec §1.5): authentication (401/403) → maintenance mode (403, writes only) → handler,
    /// whose domain errors become the documented error bodies.
    /// </summary>
    private static RouteGroupBuilder WithApiDefaults(this RouteGroupBuilder group, bool authenticated)
    {
        group.AddEndpointFilter<ApiErrorFilter>();
        if (authenticated)
        {
            group.AddEndpointFilter<ApiAuthenticationFilter>();
            group.AddEndpointFilter<MaintenanceModeFilter>();
        }

        group.WithTags("Confidant v1");
        return group;
    }
}
