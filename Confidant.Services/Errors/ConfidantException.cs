namespace Confidant.Services.Errors;

/// <summary>What went wrong, in terms a caller can map to a status code.</summary>
public enum ConfidantErrorKind
{
    BadRequest,
    NotFound,
    Forbidden,
    Unauthorized,
    Conflict,
    Unavailable,
}

/// <summary>
/// A domain failure the caller can act on. Messages never contain secret values: they name fields, ids and rules.
/// </summary>
public class ConfidantException(ConfidantErrorKind kind, string message, string? reference = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ConfidantErrorKind Kind { get; } = kind;

    /// <summary>The resource id the error is about (spec §1.4 "reference"), when there is one.</summary>
    public string? Reference { get; } = reference;

    public static ConfidantException BadRequest(string message, string? reference = null) =>
        new(ConfidantErrorKind.BadRequest, message, reference);

    public static ConfidantException NotFound(string message, string? reference = null) =>
        new(ConfidantErrorKind.NotFound, message, reference);

    public static ConfidantException Forbidden(string message, string? reference = null) =>
        new(ConfidantErrorKind.Forbidden, message, reference);

    public static ConfidantException Conflict(string message, string? reference = null) =>
        new(ConfidantErrorKind.Conflict, message, reference);
}

/// <summary>
/// Another writer created the revision this write wanted (spec §13.36: Confidant had no such check). Nothing was
/// written by the losing writer; re-read the current item and try again.
/// </summary>
public sealed class RevisionConflictException(string id, int attemptedRevision)
    : ConfidantException(
        ConfidantErrorKind.Conflict,
        $"Revision {attemptedRevision} of {id} was written by someone else first. Reload and try again.",
        id)
{
    public int AttemptedRevision { get; } = attemptedRevision;
}

/// <summary>
/// The archive table already holds the resource an archive wanted to move: another archive of it is under way, or an
/// earlier one stopped half-way (restoring it finishes the cleanup). Nothing was moved.
/// </summary>
public sealed class ArchiveInProgressException(string id)
    : ConfidantException(
        ConfidantErrorKind.Conflict,
        $"{id} is being archived, or an earlier archive of it stopped half-way; restore it, then archive it again.",
        id);
