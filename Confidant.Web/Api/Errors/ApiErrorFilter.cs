using System.Text.Json.Nodes;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Errors;

/// <summary>
/// Turns domain failures into the documented error shape (spec §1.4): style P <c>{"error": ..}</c> with the status
/// the spec gives. Messages are the domain's, which never contain secret values.
/// </summary>
public sealed partial class ApiErrorFilter(ILogger<ApiErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (KeyConflictException conflict)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, conflict.Message, null, ConflictsJson(conflict));
        }
        catch (ConfidantException error)
        {
            return ApiResults.Error(StatusOf(error.Kind), error.Message, error.Reference);
        }
        catch (KeyServiceException error)
        {
            LogKeyServiceFailure(logger, error.Error);
            return error.Error == KeyServiceError.Unavailable
                ? ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "The key service is unavailable; try again later.")
                : ApiResults.Error(StatusCodes.Status500InternalServerError, "A stored secret could not be decrypted.");
        }
        catch (CredentialCipherException)
        {
            LogCipherFailure(logger);
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "A stored secret could not be decrypted.");
        }
    }

    public static int StatusOf(ConfidantErrorKind kind) => kind switch
    {
        ConfidantErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ConfidantErrorKind.NotFound => StatusCodes.Status404NotFound,
        ConfidantErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ConfidantErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ConfidantErrorKind.Conflict => StatusCodes.Status409Conflict,
        ConfidantErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
    };

    private static JsonObject ConflictsJson(KeyConflictException conflict)
    {
        var conflicts = new JsonObject();
        foreach (var (key, value) in conflict.Conflicts)
        {
            var entry = new JsonObject();
            if (value.Credentials is { } credentials)
            {
                entry["credentials"] = Contracts.CredentialContract.StringArray(credentials);
            }

            if (value.BlindCredentials is { } blind)
            {
                entry["blind_credentials"] = Contracts.CredentialContract.StringArray(blind);
            }

            if (value.Services is { } services)
            {
                entry["services"] = Contracts.CredentialContract.StringArray(services);
            }

            conflicts[key] = entry;
        }

        return conflicts;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Key service failure: {Error}")]
    private static partial void LogKeyServiceFailure(ILogger logger, KeyServiceError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A stored credential could not be decrypted")]
    private static partial void LogCipherFailure(ILogger logger);
}
