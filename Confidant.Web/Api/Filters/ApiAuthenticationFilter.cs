using Confidant.Services.Errors;
using Confidant.Services.KmsAuth;
using Confidant.Web.Api.Json;
using Confidant.Web.Api.RateLimiting;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api.Filters;

/// <summary>
/// Authentication for /v1 (spec §2.1): a kmsauth request is judged by its token alone (failure → 403); anything else
/// must carry a signed-in session (none → 401). Runs first, before maintenance mode and the handler (spec §1.5). Each
/// refusal spends from the address's budget of failed authentications; an address that has spent it gets 429.
/// </summary>
public sealed class ApiAuthenticationFilter(
    IAntiforgery antiforgery,
    IOptions<ApiOptions> options,
    FailedAuthenticationLimiter failures) : IEndpointFilter
{
    /// <summary>The header a browser client echoes the XSRF cookie in (spec §2.7).</summary>
    public const string XsrfHeaderName = "X-XSRF-TOKEN";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (KmsTokenAuthenticationHandler.ReadCredentials(http.Request) is not null)
        {
            // Checked before validating: an uncached token costs a key-service call.
            if (failures.RetryAfterSeconds(http) is { } wait)
            {
                return ApiResults.TooManyRequests(wait);
            }

            var kms = await http.AuthenticateAsync(KmsTokenAuthenticationHandler.SchemeName);
            if (!kms.Succeeded)
            {
                if (http.Items[typeof(TokenRejection)] is TokenRejection.KeyServiceUnavailable)
                {
                    return ApiResults.Unavailable(DependencyUnavailableException.MessageOf(Dependency.KeyService));
                }

                return Refused(http, StatusCodes.Status403Forbidden, "Token refused.");
            }

            http.User = kms.Principal!;
            return await next(context);
        }

        var session = await http.AuthenticateAsync();
        if (!session.Succeeded || session.Principal?.Identity is not { IsAuthenticated: true })
        {
            return Refused(http, StatusCodes.Status401Unauthorized, "Not authenticated.");
        }

        http.User = session.Principal;

        // spec §2.7: session callers get the XSRF cookie and must echo it on writes (KMS callers are exempt).
        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !await antiforgery.IsRequestValidAsync(http))
        {
            return Refused(http, StatusCodes.Status401Unauthorized, "Missing or invalid X-XSRF-TOKEN header.");
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Cookies.Append(options.Value.XsrfCookieName, tokens.RequestToken!, new CookieOptions
        {
            HttpOnly = false,
            Path = "/",
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
        });
        return await next(context);
    }

    private WireJsonResult Refused(HttpContext http, int status, string message)
    {
        if (failures.RetryAfterSeconds(http) is { } wait)
        {
            return ApiResults.TooManyRequests(wait);
        }

        failures.Failed(http);
        return ApiResults.Error(status, message);
    }
}
