namespace Confidant.Services.Audit;

/// <summary>Where audit events are kept. Append-only: nothing updates or deletes an event.</summary>
public interface IAuditStore
{
    /// <summary>Creates what the store needs (tables, schema) when it is missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends events durably: when the task completes, every event is stored.</summary>
    Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events newest first, filtered by resource id and/or actor. A malformed <see cref="AuditQuery.Page"/> raises a
    /// bad-request <see cref="Errors.ConfidantException"/>.
    /// </summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
