using System.Globalization;
using Confidant.Services.Caching;

namespace Confidant.Services.Certificates;

/// <summary>
/// The original's issuance cache (spec §4.7, <c>ACM_PRIVATE_CA_CERTIFICATE_USE_CACHE</c>): per CA, a certificate
/// issued today for the same CN, SANs and validity is handed out again instead of issuing another. While one request
/// is issuing it, the others for the same key are told to come back (<see cref="CertificatePendingException"/>,
/// 429). A failed issuance leaves no entry, so the next request tries again. Entries hold private keys: they stay in
/// memory only, at most <see cref="CertificateIssuanceOptions.CacheSize"/> of them, until the day ends.
/// </summary>
internal sealed class CertificateIssuanceCache(int size, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly BoundedLruCache<string, Entry> _entries = new(size, TimeSpan.FromDays(1), time);

    public async Task<IssuedCertificate> GetOrIssueAsync(
        string commonName, IReadOnlyList<string> alternativeNames, int validityDays, Func<Task<IssuedCertificate>> issue)
    {
        // The date is part of the key, as in the original: nothing issued yesterday is handed out today.
        var key = string.Join(
            "\n",
            [commonName, validityDays.ToString(CultureInfo.InvariantCulture), time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), .. alternativeNames]);
        lock (_lock)
        {
            if (_entries.TryGet(key, out var entry))
            {
                return entry.Issued ?? throw new CertificatePendingException();
            }

            _entries.Set(key, new Entry(null));
        }

        try
        {
            var issued = await issue();
            lock (_lock)
            {
                _entries.Set(key, new Entry(issued));
            }

            return issued;
        }
        catch
        {
            lock (_lock)
            {
                _entries.Remove(key);
            }

            throw;
        }
    }

    /// <summary>An issuance in progress (<see cref="Issued"/> null) or its result.</summary>
    private sealed record Entry(IssuedCertificate? Issued);
}

/// <summary>The same certificate is being issued for another request: try again shortly (spec §4.7: 429, Retry-After 2).</summary>
public sealed class CertificatePendingException() : Exception(CertificateMessages.Pending);
