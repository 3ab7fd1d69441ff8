namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// Where the delivery log is kept: in the same store as the credentials (the SQLite file, or the primary DynamoDB
/// table under a data type of its own), so that it outlives a restart and every instance sees every attempt. One
/// contract, every backend (docs/decisions/0017-notifications.md).
/// </summary>
public interface IDeliveryLogStore
{
    /// <summary>Creates what the store needs (a table) when it is missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores attempts; an attempt already stored (same id) is stored once.</summary>
    Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Attempts newest first (by time, then id), filtered. A malformed <see cref="DeliveryQuery.Page"/> raises a
    /// bad-request <see cref="Errors.ConfidantException"/>.
    /// </summary>
    Task<DeliveryPage> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes every attempt made before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
