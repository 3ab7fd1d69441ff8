using Confidant.Services.Audit;

namespace Confidant.Services.Faults;

/// <summary>
/// The audit store behind a <see cref="CallGuard"/> (<c>Storage:CallTimeoutSeconds</c>). Start-up initialisation is
/// not bounded: creating a table may take minutes, and a failed start is reported by the host.
/// </summary>
internal sealed class GuardedAuditStore(IAuditStore inner, CallGuard guard) : IAuditStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(AppendAsync), token => inner.AppendAsync(events, token), cancellationToken);

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        guard.RunAsync(nameof(QueryAsync), token => inner.QueryAsync(query, token), cancellationToken);
}
