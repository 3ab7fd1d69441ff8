using Confidant.Services.Errors;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Audit;

/// <summary>
/// How the domain reports its acts to the <see cref="AuditLog"/>. A delivery is recorded before its value leaves and
/// fails with <see cref="AuditUnavailableException"/> (503) when that cannot be done; a denial, a failure after the
/// ACL passed, and a change already stored are recorded where a record can still be written, and otherwise only
/// logged: the act they record happened (or did not) whatever the ledger says.
/// </summary>
public sealed partial class AuditRecorder(AuditLog log, ILogger<AuditRecorder> logger)
{
    /// <summary>Records a delivery; completes once durable, throws <see cref="AuditUnavailableException"/> otherwise.</summary>
    public Task DeliveredAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        log.RecordAsync(entry with { Outcome = AuditOutcomes.Delivered }, cancellationToken);

    /// <summary>
    /// Records the echo of values a write stored and the caller itself just sent: true when it may go back. When the
    /// record cannot be stored the write stands (it is recorded, or logged, on its own) and the answer goes without
    /// the values, so a client is never told a stored write failed.
    /// </summary>
    public async Task<bool> EchoAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        try
        {
            await DeliveredAsync(entry, cancellationToken);
            return true;
        }
        catch (AuditUnavailableException)
        {
            // The ledger reported why (or the store's call guard did, once per interval).
            return false;
        }
    }

    /// <summary>Records a change that is already stored.</summary>
    public Task SucceededAsync(AuditEntry entry) => TryRecordAsync(entry with { Outcome = AuditOutcomes.Succeeded });

    /// <summary>Records an act that failed after it began: an item a background job could not do, a job that stopped.</summary>
    public Task FailedAsync(AuditEntry entry) => TryRecordAsync(entry with { Outcome = AuditOutcomes.Failed });

    /// <summary>Records an ACL refusal and returns the exception to throw.</summary>
    public async Task<ConfidantException> DeniedAsync(AuditEntry entry, ConfidantException refusal)
    {
        await TryRecordAsync(entry with { Outcome = AuditOutcomes.Denied, Detail = refusal.Message });
        return refusal;
    }

    /// <summary>
    /// Runs an act that the ACL let through so far: a refusal on the way (the account scope, say) is recorded as
    /// denied, a dependency or decryption failure as failed; answers that deliver nothing (not found, bad input) and
    /// the audit trail's own unavailability are not recorded.
    /// </summary>
    public async Task<T> GuardAsync<T>(AuditEntry entry, Func<Task<T>> act)
    {
        try
        {
            return await act();
        }
        catch (ConfidantException refusal) when (refusal.Kind == ConfidantErrorKind.Forbidden)
        {
            await TryRecordAsync(entry with { Outcome = AuditOutcomes.Denied, Detail = refusal.Message });
            throw;
        }
        catch (Exception failure) when (IsFailure(failure))
        {
            await TryRecordAsync(entry with { Outcome = AuditOutcomes.Failed, Detail = failure.GetType().Name });
            throw;
        }
    }

    private static bool IsFailure(Exception error) => error switch
    {
        AuditUnavailableException or OperationCanceledException or OutOfMemoryException => false,
        ConfidantException known => known.Kind is ConfidantErrorKind.Unavailable,
        _ => true,
    };

    private async Task TryRecordAsync(AuditEntry entry)
    {
        try
        {
            await log.RecordAsync(entry);
        }
        catch (AuditUnavailableException)
        {
            // The ledger reported why (or the store's call guard did, once per interval): no line per record.
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
        {
            LogNotRecorded(logger, entry.Action, entry.Outcome, entry.ResourceType, entry.ResourceId, error.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record not stored: {Action} {Outcome} {ResourceType} {ResourceId} ({Error})")]
    private static partial void LogNotRecorded(ILogger logger, string action, string outcome, string resourceType, string resourceId, string error);
}
