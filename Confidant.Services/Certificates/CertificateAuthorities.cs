namespace Confidant.Services.Certificates;

/// <summary>
/// The configured CAs by name, in configuration order (<c>GET /v1/cas</c> lists them so), each with its issuance
/// cache when <see cref="CertificateIssuanceOptions.UseCache"/> is on.
/// </summary>
public sealed class CertificateAuthorities : IDisposable
{
    private readonly List<ICertificateAuthority> _all;
    private readonly Dictionary<string, (ICertificateAuthority Authority, CertificateIssuanceCache? Cache)> _byName;

    public CertificateAuthorities(IEnumerable<ICertificateAuthority> authorities, TimeProvider time)
    {
        _all = authorities.ToList();
        _byName = _all.ToDictionary(
            a => a.Name,
            a => (a, a.Issuance.UseCache ? new CertificateIssuanceCache(a.Issuance.CacheSize, time) : null),
            StringComparer.Ordinal);
    }

    public IReadOnlyList<ICertificateAuthority> All => _all;

    public ICertificateAuthority? Find(string name) => _byName.TryGetValue(name, out var found) ? found.Authority : null;

    internal CertificateIssuanceCache? CacheOf(string name) => _byName.TryGetValue(name, out var found) ? found.Cache : null;

    public void Dispose()
    {
        foreach (var authority in _all.OfType<IDisposable>())
        {
            authority.Dispose();
        }
    }
}
