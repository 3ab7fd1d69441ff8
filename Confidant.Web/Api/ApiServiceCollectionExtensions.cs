using Confidant.Web.Auth;
using Microsoft.AspNetCore.Authentication;

namespace Confidant.Web.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The REST API: settings, kmsauth authentication and the OpenAPI document.</summary>
    public static IHostApplicationBuilder AddConfidantApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, KmsTokenAuthenticationHandler>(KmsTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAntiforgery(options => options.HeaderName = Filters.ApiAuthenticationFilter.XsrfHeaderName);
        builder.Services.AddOpenApi();
        return builder;
    }
}
