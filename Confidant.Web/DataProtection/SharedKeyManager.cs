using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Confidant.Web.DataProtection;

/// <summary>
/// Data Protection's own key manager, whose cached ring also expires at each tick of <see cref="KeyRingRefresher"/>:
/// on its own, an instance re-reads the ring only once a day or when it creates a key itself, and would not know a key
/// another instance created.
/// </summary>
internal sealed class SharedKeyManager(IKeyManager inner, KeyRingRefresher refresher) : IKeyManager
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _linked;

    public IKey CreateNewKey(DateTimeOffset activationDate, DateTimeOffset expirationDate) =>
        inner.CreateNewKey(activationDate, expirationDate);

    public IReadOnlyCollection<IKey> GetAllKeys() => inner.GetAllKeys();

    public void RevokeKey(Guid keyId, string? reason = null) => inner.RevokeKey(keyId, reason);

    public void RevokeAllKeys(DateTimeOffset revocationDate, string? reason = null) => inner.RevokeAllKeys(revocationDate, reason);

    /// <summary>
    /// Asked once per read of the ring, for the token that ends the cached ring: this instance's own changes, or the
    /// next refresh tick. The link made for the previous read is released, since the ring it guarded was replaced.
    /// </summary>
    public CancellationToken GetCacheExpirationToken()
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(inner.GetCacheExpirationToken(), refresher.Token);
        CancellationTokenSource? previous;
        lock (_gate)
        {
            previous = _linked;
            _linked = linked;
        }

        previous?.Dispose();
        return linked.Token;
    }
}
