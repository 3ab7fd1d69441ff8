namespace Confidant.Services.Certificates;

/// <summary>
/// A certificate authority clients name in <c>/v1/certificates/&lt;ca&gt;</c> and <c>/v1/cas/&lt;ca&gt;</c>
/// (spec §4.7): AWS Private CA, the embedded local CA, or a CA given in configuration. It signs requests that the
/// domain (<see cref="CertificateService"/>) has already authorized; it applies no access control of its own.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>The name clients use.</summary>
    string Name { get; }

    /// <summary>How certificates from this CA are issued: validity clamp, ACL pattern, generated keys, cache.</summary>
    CertificateIssuanceOptions Issuance { get; }

    /// <summary>
    /// Issues an end-entity certificate for <paramref name="request"/>, valid for <paramref name="validityDays"/>
    /// (already clamped to the maximum). Fails with <see cref="CertificateAuthorityException"/>.
    /// </summary>
    Task<IssuedCertificate> IssueAsync(SigningRequest request, int validityDays, CancellationToken cancellationToken = default);

    /// <summary>The CA's own certificate, its chain and tags.</summary>
    Task<AuthorityCertificate> DescribeAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// An issued certificate and the certificates above it (PEM). <see cref="PrivateKey"/> is set only when the server
/// generated the key (PKCS#1 PEM, spec §4.7) and is a secret.
/// </summary>
public sealed record IssuedCertificate(string Certificate, string CertificateChain, string? PrivateKey = null);

/// <summary>A CA as <c>GET /v1/cas</c> shows it.</summary>
public sealed record AuthorityCertificate(
    string Ca,
    string Certificate,
    string CertificateChain,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>Why a CA could not serve a request. Messages name CAs and operations, never keys.</summary>
public sealed class CertificateAuthorityException(bool transient, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The CA was unreachable, throttled or not ready: the same request may succeed later.</summary>
    public bool Transient { get; } = transient;
}
