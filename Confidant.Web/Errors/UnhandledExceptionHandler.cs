using Confidant.Services.Faults;
using Confidant.Web.Api.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace Confidant.Web.Errors;

/// <summary>
/// What an exception that escaped its endpoint answers. API routes (/v1, /healthcheck) always answer JSON in the
/// documented shape (spec §1.4), 503 with <c>Retry-After</c> for an unavailable dependency: never the HTML error
/// page, never a 405 from re-running the request against it. UI routes get the error page, rendered through a GET
/// whatever the failed request's method was (the page answers GET only). Every case is logged through the
/// <see cref="FaultLog"/>, so an outage or a recurring bug costs a few lines, not a stack trace per request.
/// </summary>
internal sealed class UnhandledExceptionHandler(FaultLog faults, ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
{
    public const string ErrorPagePath = "/error";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var where = httpContext.GetEndpoint()?.DisplayName ?? "the request pipeline";
        if (IsApiPath(httpContext.Request.Path))
        {
            await ApiErrorFilter.ResultOf(exception, where, faults, logger).ExecuteAsync(httpContext);
            return true;
        }

        if (FaultClassifier.IsUnavailable(exception))
        {
            // The call guard that raised it has logged it already.
            httpContext.Response.Headers.RetryAfter = Api.Json.ApiResults.UnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (exception is not BadHttpRequestException)
        {
            faults.Unexpected(where, exception);
        }

        httpContext.Request.Method = HttpMethods.Get;
        return false;
    }

    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.Ordinal) || path.StartsWithSegments("/healthcheck", StringComparison.Ordinal);

    /// <summary>503 for an unavailable dependency, the client error of an unreadable request, 500 for everything else.</summary>
    public static int StatusOf(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        _ when FaultClassifier.IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
