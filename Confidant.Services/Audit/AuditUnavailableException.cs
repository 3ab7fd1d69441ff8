using Confidant.Services.Errors;

namespace Confidant.Services.Audit;

/// <summary>
/// A record could not be stored in time: whatever it records must not happen (a secret is not delivered). The message
/// names no secret and no store detail beyond the failure's kind; callers get it as a 503 with <c>Retry-After</c>.
/// </summary>
public sealed class AuditUnavailableException(string message, Exception? innerException = null) :
    ConfidantException(ConfidantErrorKind.Unavailable, message, null, innerException)
{
    public const string DefaultMessage = "The audit trail is unavailable; nothing was delivered.";

    public AuditUnavailableException()
        : this(DefaultMessage)
    {
    }
}
