using System.Text.Json.Nodes;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Services.Kms;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Api.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Confidant.Web.Api.Errors;

/// <summary>
/// Turns every failure of an API handler into the documented error shape (spec §1.4): style P <c>{"error": ..}</c>
/// with the status the spec gives, 503 with <c>Retry-After</c> when a dependency is unavailable, and a JSON 500 for
/// anything unexpected. Messages are the domain's, which never contain secret values.
/// </summary>
public sealed partial class ApiErrorFilter(FaultLog faults, ILogger<ApiErrorFilter> logger) : IEndpointFilter
{
    public const string UnexpectedMessage = "Internal server error.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception error) when (!IsClientAbort(context.HttpContext, error))
        {
            return ResultOf(error, context.HttpContext.GetEndpoint()?.DisplayName ?? "API", faults, logger);
        }
    }

    /// <summary>The API answer to <paramref name="error"/>; dependency faults and bugs are logged, rate-limited.</summary>
    public static WireJsonResult ResultOf(Exception error, string where, FaultLog faults, ILogger logger)
    {
        switch (error)
        {
            case KeyConflictException conflict:
                return ApiResults.Error(StatusCodes.Status400BadRequest, conflict.Message, null, ConflictsJson(conflict));
            case ConfidantException { Kind: ConfidantErrorKind.Unavailable } unavailable:
                // A DependencyUnavailableException was logged by the call guard that raised it.
                return ApiResults.Unavailable(unavailable.Message);
            case ConfidantException domain:
                return ApiResults.Error(StatusOf(domain.Kind), domain.Message, domain.Reference);
            case KeyServiceException { Error: KeyServiceError.Unavailable } keys:
                faults.Unavailable(Dependency.KeyService, FaultClassifier.Classify(keys) ?? FailureClass.Unreachable, where, keys);
                return ApiResults.Unavailable(DependencyUnavailableException.MessageOf(Dependency.KeyService));
            case KeyServiceException keys:
                LogKeyServiceFailure(logger, keys.Error);
                return ApiResults.Error(StatusCodes.Status500InternalServerError, "A stored secret could not be decrypted.");
            case CredentialCipherException:
                LogCipherFailure(logger);
                return ApiResults.Error(StatusCodes.Status500InternalServerError, "A stored secret could not be decrypted.");
            case BadHttpRequestException bad:
                // The request itself was unreadable (a body that does not bind, a bad form token): the client's error.
                return ApiResults.Error(bad.StatusCode, ReasonPhrases.GetReasonPhrase(bad.StatusCode));
            default:
                if (FaultClassifier.Classify(error) is { } failure)
                {
                    faults.Unavailable(Dependency.Other, failure, where, error);
                    return ApiResults.Unavailable(DependencyUnavailableException.MessageOf(Dependency.Other));
                }

                faults.Unexpected(where, error);
                return ApiResults.Error(StatusCodes.Status500InternalServerError, UnexpectedMessage);
        }
    }

    /// <summary>The client went away: nobody reads an answer, and the cancellation is not a failure.</summary>
    public static bool IsClientAbort(HttpContext http, Exception error) =>
        error is OperationCanceledException && http.RequestAborted.IsCancellationRequested;

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
