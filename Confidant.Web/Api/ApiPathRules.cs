using Confidant.Web.Api.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Confidant.Web.Api;

/// <summary>
/// Rules for /v1 paths that endpoint routing does not give on its own: routing ignores a trailing slash, but Confidant's
/// paths have none and a trailing slash is a 404 (spec preamble); and an error produced without a body (no route,
/// wrong method) still answers JSON, so that every /v1 error has a documented shape (spec §1.4).
/// </summary>
public static class ApiPathRules
{
    public static IApplicationBuilder UseApiPathRules(this IApplicationBuilder app) => app.Use(async (HttpContext context, RequestDelegate next) =>
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        if (path.Value!.EndsWith('/'))
        {
            await ApiResults.EmptyNotFound().ExecuteAsync(context);
            return;
        }

        await next(context);
        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= StatusCodes.Status400BadRequest
            && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            var result = response.StatusCode == StatusCodes.Status404NotFound
                ? ApiResults.EmptyNotFound()
                : ApiResults.Error(response.StatusCode, ReasonPhrases.GetReasonPhrase(response.StatusCode));
            await result.ExecuteAsync(context);
        }
    });
}
