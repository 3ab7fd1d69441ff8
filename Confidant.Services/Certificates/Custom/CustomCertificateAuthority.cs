using System.Security.Cryptography.X509Certificates;

namespace Confidant.Services.Certificates.Custom;

/// <summary>
/// A CA whose certificate and key are given in configuration (spec §9.11 <c>custom_ca</c>): it signs with its active
/// entry and reports its certificate followed by the root, when one is given, as the chain.
/// </summary>
internal sealed class CustomCertificateAuthority(
    string name,
    X509Certificate2 signer,
    X509Certificate2? root,
    CertificateIssuanceOptions issuance,
    TimeProvider time) : ICertificateAuthority, IDisposable
{
    private readonly string _chain = EndEntitySigner.Pem(signer) + (root is null ? string.Empty : EndEntitySigner.Pem(root));

    public string Name => name;

    public CertificateIssuanceOptions Issuance => issuance;

    public Task<IssuedCertificate> IssueAsync(SigningRequest request, int validityDays, CancellationToken cancellationToken = default) =>
        Task.FromResult(new IssuedCertificate(EndEntitySigner.Sign(request, signer, time.GetUtcNow(), validityDays), _chain));

    public Task<AuthorityCertificate> DescribeAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new AuthorityCertificate(name, EndEntitySigner.Pem(signer), _chain, new Dictionary<string, string>()));

    public void Dispose()
    {
        signer.Dispose();
        root?.Dispose();
    }
}
