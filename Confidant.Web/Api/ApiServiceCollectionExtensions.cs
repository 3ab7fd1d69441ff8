using Confidant.Web.Api.RateLimiting;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Authentication;

namespace Confidant.Web.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The REST API: settings, kmsauth authentication and the OpenAPI document.</summary>
    public static IHostApplicationBuilder AddConfidantApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName)
            .Validate(o => o.HistoryPageLimit is null or > 0, "Api:HistoryPageLimit must be positive when set.")
            .Validate<IConfiguration>(
                (o, configuration) => o.ParseClientConfig() is not null && !configuration.GetSection("Api:ClientConfig").GetChildren().Any(),
                "Api:ClientConfig must be a JSON object written as one string, e.g. {\"blind_keys\": {\"us-east-1\": \"alias/blind\"}}.")
            .ValidateOnStart();
        builder.AddConfidantRateLimits();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, KmsTokenAuthenticationHandler>(KmsTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAntiforgery(options => options.HeaderName = Filters.ApiAuthenticationFilter.XsrfHeaderName);
        builder.Services.AddOpenApi();
        return builder;
    }
}
