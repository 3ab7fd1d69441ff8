using Confidant.Services.Authorization;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Audit;

/// <summary>
/// Records a change after it is stored. The revision itself already names who changed what and when, so a failure
/// to add the audit event is logged rather than reported as a failed write (which it was not).
/// </summary>
public sealed partial class WriteAudit(AuditLog audit, ILogger<WriteAudit> logger)
{
    public async Task RecordAsync(ConfidantPrincipal caller, string action, string resourceType, string resourceId, int? revision)
    {
        try
        {
            await audit.RecordAsync(caller, action, resourceType, resourceId, revision);
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
        {
            LogNotRecorded(logger, action, resourceType, resourceId, revision, error.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit event not stored: {Action} {ResourceType} {ResourceId} revision {Revision} ({Error})")]
    private static partial void LogNotRecorded(ILogger logger, string action, string resourceType, string resourceId, int? revision, string error);
}
