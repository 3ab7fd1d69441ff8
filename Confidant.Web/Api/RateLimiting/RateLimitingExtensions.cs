using System.Threading.RateLimiting;
using Confidant.Web.Api.Json;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api.RateLimiting;

public static class RateLimitingExtensions
{
    /// <summary>The policy of the /v1 routes that need no authentication.</summary>
    public const string AnonymousPolicy = "anonymous";

    /// <summary>The per-address budgets: ASP.NET Core's rate limiter for anonymous routes, and the refused-authentication counter.</summary>
    public static IHostApplicationBuilder AddConfidantRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        builder.Services.AddSingleton<FailedAuthenticationLimiter>();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => new ValueTask(
                ApiResults.TooManyRequests(ClientAddress.RetryAfterSeconds(context.Lease)).ExecuteAsync(context.HttpContext));
            options.AddPolicy(AnonymousPolicy, http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http), _ =>
                new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.AnonymousRequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });
        return builder;
    }
}
