namespace Confidant.Services.Audit;

/// <summary>How an act ended: deliveries are delivered, denied or failed; writes and admin acts succeeded, denied or failed.</summary>
public static class AuditOutcomes
{
    public const string Delivered = "delivered";
    public const string Succeeded = "succeeded";
    public const string Denied = "denied";
    public const string Failed = "failed";
}
