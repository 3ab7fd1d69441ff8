namespace Confidant.Web.Errors;

public static class ErrorHandlingExtensions
{
    public static IServiceCollection AddConfidantErrorHandling(this IServiceCollection services) =>
        services.AddExceptionHandler<UnhandledExceptionHandler>();

    /// <summary>
    /// The exception handler of every environment: API routes answer JSON, UI routes the error page. Diagnostics of
    /// the middleware are off because <see cref="UnhandledExceptionHandler"/> logs each case itself, rate-limited.
    /// </summary>
    public static IApplicationBuilder UseConfidantErrorHandling(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = UnhandledExceptionHandler.ErrorPagePath,
            CreateScopeForErrors = true,
            StatusCodeSelector = UnhandledExceptionHandler.StatusOf,
            SuppressDiagnosticsCallback = _ => true,
        });
}
