using Confidant.Services.Errors;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api.Filters;

/// <summary>Spec §9.7: while in maintenance mode every write answers 403, after authentication.</summary>
public sealed class MaintenanceModeFilter(IOptionsMonitor<ApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)
            && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<NotAWrite>() is null
            && IsActive(options.CurrentValue))
        {
            // The exact bytes of the original (spec §1.4): a space after the colon and no trailing newline.
            return Results.Text($"{{\"error\": \"{ErrorMessages.MaintenanceMode}\"}}", "application/json", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    /// <summary>Endpoint metadata for a POST that stores nothing (certificate issuance, spec §4.12): not blocked.</summary>
    public sealed class NotAWrite;

    public static bool IsActive(ApiOptions settings) =>
        settings.MaintenanceMode || (settings.MaintenanceModeTouchFile is { Length: > 0 } file && File.Exists(file));
}
