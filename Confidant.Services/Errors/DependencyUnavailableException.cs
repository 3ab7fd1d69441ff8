namespace Confidant.Services.Errors;

/// <summary>What Confidant depends on and could not use.</summary>
public enum Dependency
{
    Store,
    KeyService,
    AuditTrail,

    /// <summary>Anything else reached over the network (IAM, for example).</summary>
    Other,
}

/// <summary>How a dependency failed. Each class is logged at most once per interval (<c>Faults.FaultLog</c>).</summary>
public enum FailureClass
{
    /// <summary>No connection, a refused or reset connection, a name that does not resolve.</summary>
    Unreachable,

    /// <summary>No answer within the configured call timeout.</summary>
    TimedOut,

    /// <summary>The dependency refused the call for load (throttling, 429).</summary>
    Throttled,

    /// <summary>The dependency answered with a server error (5xx).</summary>
    ServerError,

    /// <summary>Locked or too contended to take the write now (SQLite busy/locked, a revision race that outlasted its budget).</summary>
    Busy,
}

/// <summary>
/// A dependency could not be reached, refused the call for load or did not answer in time. Nothing the caller sent was
/// wrong and the same request may succeed later (HTTP 503 with Retry-After). A write that fails this way may or may
/// not have been stored: only an answered write is known to have landed.
/// </summary>
public sealed class DependencyUnavailableException(Dependency dependency, FailureClass failure, Exception? innerException = null)
    : ConfidantException(ConfidantErrorKind.Unavailable, MessageOf(dependency), null, innerException)
{
    public Dependency Dependency { get; } = dependency;

    public FailureClass Failure { get; } = failure;

    /// <summary>The client-facing message: names the dependency, never an endpoint, key or value.</summary>
    public static string MessageOf(Dependency dependency) => dependency switch
    {
        Dependency.Store => "The store is unavailable; try again later.",
        Dependency.KeyService => "The key service is unavailable; try again later.",
        Dependency.AuditTrail => "The audit trail is unavailable; try again later.",
        Dependency.Other => "A service Confidant depends on is unavailable; try again later.",
    };
}
