using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Services.Faults;

/// <summary>
/// The delivery log's store behind a <see cref="CallGuard"/> (<c>Storage:CallTimeoutSeconds</c>): the admin page and
/// <c>GET /v1/notifications/deliveries</c> answer 503 in time when the store is down, and the log's writer never hangs.
/// Start-up initialisation is not bounded, as for the other stores.
/// </summary>
internal sealed class GuardedDeliveryLogStore(IDeliveryLogStore inner, CallGuard guard) : IDeliveryLogStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(AppendAsync), token => inner.AppendAsync(attempts, token), cancellationToken);

    public Task<DeliveryPage> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(QueryAsync), token => inner.QueryAsync(query, token), cancellationToken);

    public Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(DeleteBeforeAsync), token => inner.DeleteBeforeAsync(cutoff, token), cancellationToken);
}
