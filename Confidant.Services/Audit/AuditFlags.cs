namespace Confidant.Services.Audit;

/// <summary>Unusual-access markers on a delivery record.</summary>
public static class AuditFlags
{
    /// <summary>The actor received a resource it had never received before.</summary>
    public const string FirstAccess = "first_access";

    /// <summary>The actor's deliveries in the last minute went over <c>Audit:RateThreshold</c>.</summary>
    public const string Rate = "rate";
}
