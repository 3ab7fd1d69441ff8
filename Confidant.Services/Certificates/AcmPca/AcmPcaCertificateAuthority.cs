namespace Confidant.Services.Certificates.AcmPca;

/// <summary>
/// An AWS Private CA (spec §4.7, §10.8). Issuance is IssueCertificate and then GetCertificate on the returned ARN —
/// the intended behaviour where the original 7.0 re-used the fetched certificate as an ARN and failed — with the
/// configured template ARN sent (the original parsed it but never sent it).
/// </summary>
internal sealed class AcmPcaCertificateAuthority(AcmPcaAuthorityOptions options, AcmPcaClient client) : ICertificateAuthority
{
    public string Name => options.Name;

    public CertificateIssuanceOptions Issuance => options;

    public async Task<IssuedCertificate> IssueAsync(SigningRequest request, int validityDays, CancellationToken cancellationToken = default)
    {
        var arn = await client.IssueCertificateAsync(
            options.Arn, request.Pem, options.SigningAlgorithm, options.TemplateArn, validityDays, cancellationToken);
        var (certificate, chain) = await client.GetCertificateAsync(options.Arn, arn, cancellationToken);
        return new IssuedCertificate(certificate, chain ?? string.Empty);
    }

    public async Task<AuthorityCertificate> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var (certificate, chain) = await client.GetCertificateAuthorityCertificateAsync(options.Arn, cancellationToken);
        var tags = await client.ListTagsAsync(options.Arn, cancellationToken);

        // A root CA has no chain above it (the original then failed on the missing key): it is its own chain.
        return new AuthorityCertificate(Name, certificate, chain ?? certificate, tags);
    }
}
