using Confidant.Services.Errors;
using Confidant.Services.Maintenance;

namespace Confidant.Web.Api.Filters;

/// <summary>
/// Spec §9.7, §1.5: while in maintenance mode every write answers 403 after authentication and before the body is
/// read, so the refusal wins over any validation error. The domain services refuse the same writes on their own
/// (the UI goes through them); this filter only keeps the original's order and exact bytes.
/// </summary>
public sealed class MaintenanceModeFilter(MaintenanceMode maintenance) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)
            && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<NotAWrite>() is null
            && maintenance.IsActive)
        {
            // The exact bytes of the original (spec §1.4): a space after the colon and no trailing newline.
            return Results.Text($"{{\"error\": \"{ErrorMessages.MaintenanceMode}\"}}", "application/json", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    /// <summary>Endpoint metadata for a POST that stores nothing (certificate issuance, spec §4.12): not blocked.</summary>
    public sealed class NotAWrite;
}
