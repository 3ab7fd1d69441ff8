using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Faults;

/// <summary>
/// Tells a dependency fault (unreachable, throttled, failing, locked) from everything else. A fault may succeed when
/// tried again later and is answered 503; anything else is either the caller's mistake (a ConfidantException kind)
/// or a bug.
/// </summary>
public static class FaultClassifier
{
    // AWS error codes of request-rate refusals, across DynamoDB and KMS.
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
        "RequestLimitExceededException", "SlowDown",
    };

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The failure class of <paramref name="exception"/> (or of one of its causes), or null when it is no fault.</summary>
    public static FailureClass? Classify(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (Own(current) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="exception"/> means a dependency is unavailable, in any of the forms it takes.</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is ConfidantException { Kind: ConfidantErrorKind.Unavailable }
        || exception is KeyServiceException { Error: KeyServiceError.Unavailable }
        || Classify(exception) is not null;

    private static FailureClass? Own(Exception exception) => exception switch
    {
        DependencyUnavailableException unavailable => unavailable.Failure,
        KeyServiceException { Error: KeyServiceError.Unavailable } keys => Classify(keys.InnerException) ?? FailureClass.Unreachable,
        // The SDK fills ErrorCode from the answer; a modelled exception also names the code by its type.
        AmazonServiceException service when ThrottlingCodes.Contains(service.ErrorCode ?? service.GetType().Name)
            || service.StatusCode == HttpStatusCode.TooManyRequests => FailureClass.Throttled,
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } => FailureClass.ServerError,
        TimeoutException => FailureClass.TimedOut,
        HttpRequestException { StatusCode: null } or SocketException => FailureClass.Unreachable,
        HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests } => FailureClass.Throttled,
        HttpRequestException { StatusCode: >= HttpStatusCode.InternalServerError } => FailureClass.ServerError,
        SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } => FailureClass.Busy,
        _ => null,
    };
}
