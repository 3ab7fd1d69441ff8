namespace Confidant.Services.Audit;

/// <summary>
/// A record could not be stored in time: whatever it records must not happen (a secret is not delivered). The message
/// names no secret and no store detail beyond the failure's kind.
/// </summary>
public sealed class AuditUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    public const string DefaultMessage = "The audit trail is unavailable; nothing was delivered.";

    public AuditUnavailableException()
        : this(DefaultMessage)
    {
    }
}
