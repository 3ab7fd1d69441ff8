using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;

namespace Confidant.Services.Certificates;

/// <summary>
/// Certificates and CAs (spec §4.7) for a caller: the CA is looked up first (404), then the ACL decides on the common
/// name and every SAN, then the CA issues. Every issuance is on record (<see cref="AuditActions.CertificateIssue"/>,
/// resource <c>certificate</c> <c>&lt;ca&gt;/&lt;cn&gt;</c>) before it leaves: one that cannot be recorded is not handed out.
/// </summary>
public sealed class CertificateService(CertificateAuthorities authorities, IAclPolicy acl, AuditRecorder audit, TimeProvider time)
{
    /// <summary>Every configured CA (spec §4.7 GET /v1/cas).</summary>
    public async Task<IReadOnlyList<AuthorityCertificate>> ListAuthoritiesAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Ca, AclActions.List))
        {
            throw ConfidantException.Forbidden(CertificateMessages.CannotListCas(caller.Name));
        }

        var described = new List<AuthorityCertificate>();
        foreach (var authority in authorities.All)
        {
            described.Add(await authority.DescribeAsync(cancellationToken));
        }

        return described;
    }

    /// <summary>One CA (spec §4.7 GET /v1/cas/&lt;ca&gt;).</summary>
    public Task<AuthorityCertificate> GetAuthorityAsync(ConfidantPrincipal caller, string ca, CancellationToken cancellationToken = default)
    {
        var authority = RequireAuthority(ca);
        if (!acl.IsAllowed(caller, AclResources.Ca, AclActions.Get, ca))
        {
            throw ConfidantException.Forbidden(CertificateMessages.CannotGetCa(caller.Name, ca), ca);
        }

        return authority.DescribeAsync(cancellationToken);
    }

    /// <summary>The CA named <paramref name="ca"/>; a 404 with the original's message when there is none.</summary>
    public ICertificateAuthority RequireAuthority(string ca) =>
        authorities.Find(ca) ?? throw ConfidantException.NotFound(ErrorMessages.CaNotFound, ca);

    /// <summary>
    /// A new key and a certificate for it (spec §4.7 GET /v1/certificates/&lt;ca&gt;/&lt;cn&gt;). With the CA's issuance
    /// cache on, a certificate issued today for the same names and validity is handed out again, or
    /// <see cref="CertificatePendingException"/> says it is being issued.
    /// </summary>
    public async Task<IssuedCertificate> IssueWithKeyAsync(
        ConfidantPrincipal caller,
        string ca,
        string commonName,
        IReadOnlyList<string> alternativeNames,
        int? validityDays,
        CancellationToken cancellationToken = default)
    {
        var authority = RequireAuthority(ca);
        if (!acl.IsAllowed(caller, AclResources.Certificate, AclActions.Get, commonName, new AclArguments(Ca: ca, San: alternativeNames)))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.CertificateIssueWithKey, AclResources.Certificate, $"{ca}/{commonName}"),
                ConfidantException.Forbidden(CertificateMessages.CannotGetCertificate(caller.Name, commonName, ca), commonName));
        }

        GeneratedKey.Validate(commonName, alternativeNames);
        var days = Validity(authority, validityDays);
        var cache = authorities.CacheOf(ca);
        var issued = cache is null
            ? await IssueNewAsync(authority, commonName, alternativeNames, days, cancellationToken)
            : await cache.GetOrIssueAsync(commonName, alternativeNames, days, () => IssueNewAsync(authority, commonName, alternativeNames, days, cancellationToken));
        await RecordAsync(caller, AuditActions.CertificateIssueWithKey, ca, commonName, cancellationToken);
        return issued;
    }

    /// <summary>A certificate for the client's own key (spec §4.7 POST /v1/certificates/&lt;ca&gt;); names come from the CSR.</summary>
    public async Task<IssuedCertificate> IssueFromCsrAsync(
        ConfidantPrincipal caller,
        string ca,
        string csrPem,
        int? validityDays,
        CancellationToken cancellationToken = default)
    {
        var authority = RequireAuthority(ca);
        var request = SigningRequest.Parse(csrPem);
        var arguments = new AclArguments(Ca: ca, San: request.SubjectAlternativeNames);
        if (!acl.IsAllowed(caller, AclResources.Certificate, AclActions.Get, request.CommonName, arguments))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.CertificateIssue, AclResources.Certificate, $"{ca}/{request.CommonName}"),
                ConfidantException.Forbidden(CertificateMessages.CannotGetCertificateFromCsr(caller.Name), request.CommonName));
        }

        var issued = await authority.IssueAsync(request, Validity(authority, validityDays), cancellationToken);
        await RecordAsync(caller, AuditActions.CertificateIssue, ca, request.CommonName, cancellationToken);
        return issued;
    }

    /// <summary>The requested validity clamped to the CA's maximum, which is also the default (spec §4.7).</summary>
    private static int Validity(ICertificateAuthority authority, int? requested) => requested switch
    {
        null => authority.Issuance.MaxValidityDays,
        < 1 => throw ConfidantException.BadRequest(CertificateMessages.ValidityNotPositive),
        _ => Math.Min(requested.Value, authority.Issuance.MaxValidityDays),
    };

    private async Task<IssuedCertificate> IssueNewAsync(
        ICertificateAuthority authority, string commonName, IReadOnlyList<string> alternativeNames, int days, CancellationToken cancellationToken)
    {
        using var key = GeneratedKey.Create(commonName, alternativeNames, authority.Issuance);
        IssuedCertificate issued;
        if (authority.Issuance is AcmPcaAuthorityOptions { SelfSign: true })
        {
            var certificate = key.SelfSigned(time.GetUtcNow(), days);
            issued = new IssuedCertificate(certificate, certificate);
        }
        else
        {
            issued = await authority.IssueAsync(key.Request, days, cancellationToken);
        }

        return issued with { PrivateKey = key.PrivateKeyPem() };
    }

    // A private key leaving the server is a delivery like a secret's: recorded before it is returned.
    private Task RecordAsync(ConfidantPrincipal caller, string action, string ca, string commonName, CancellationToken cancellationToken) =>
        audit.DeliveredAsync(AuditEntry.For(caller, action, AclResources.Certificate, $"{ca}/{commonName}"), cancellationToken);
}
