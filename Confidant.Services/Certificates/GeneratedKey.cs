using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confidant.Services.Errors;

namespace Confidant.Services.Certificates;

/// <summary>
/// A key and signing request made by the server for <c>GET /v1/certificates/&lt;ca&gt;/&lt;cn&gt;</c> (spec §4.7): an RSA
/// key of the CA's key size, subject CN plus the configured C/ST/L/O, the requested SANs as DNS names, SHA-256.
/// </summary>
public sealed class GeneratedKey : IDisposable
{
    public const int MaxCommonNameLength = 64;
    public const int MaxAlternativeNameLength = 253;
    public const int MaxAlternativeNames = 100;

    private const string SubjectAlternativeNameOid = "2.5.29.17";

    private readonly RSA _key;

    private GeneratedKey(RSA key, SigningRequest request)
    {
        _key = key;
        Request = request;
    }

    public SigningRequest Request { get; }

    /// <summary>A 400 for a common name or SAN list no CA would take (the original passed them on and failed).</summary>
    public static void Validate(string commonName, IReadOnlyList<string> alternativeNames)
    {
        if (commonName.Length > MaxCommonNameLength)
        {
            throw ConfidantException.BadRequest(CertificateMessages.CommonNameTooLong);
        }

        if (alternativeNames.Count > MaxAlternativeNames)
        {
            throw ConfidantException.BadRequest(CertificateMessages.TooManyAlternativeNames);
        }

        if (alternativeNames.Any(name => name.Length is 0 or > MaxAlternativeNameLength || name.Any(c => c is < '!' or > '~')))
        {
            throw ConfidantException.BadRequest(CertificateMessages.BadAlternativeName);
        }
    }

    /// <summary>A new key and its signing request.</summary>
    public static GeneratedKey Create(string commonName, IReadOnlyList<string> alternativeNames, CertificateIssuanceOptions issuance)
    {
        var key = RSA.Create(issuance.KeySize);
        try
        {
            var request = new CertificateRequest(Subject(commonName, issuance), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            if (alternativeNames.Count > 0)
            {
                request.CertificateExtensions.Add(new X509Extension(SubjectAlternativeNameOid, DnsNames(alternativeNames), critical: false));
            }

            return new GeneratedKey(key, SigningRequest.Parse(request.CreateSigningRequestPem() + "\n"));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The key as PKCS#1 PEM (<c>RSA PRIVATE KEY</c>, unencrypted, spec §4.7): a secret.</summary>
    public string PrivateKeyPem() => _key.ExportRSAPrivateKeyPem() + "\n";

    /// <summary>
    /// <c>ACM_PRIVATE_CA_SELF_SIGN</c> test mode: a certificate signed by its own key for now .. now + validity, with
    /// the request's subject and SANs; it is its own chain.
    /// </summary>
    public string SelfSigned(DateTimeOffset now, int validityDays)
    {
        var template = new CertificateRequest(Request.Parsed.SubjectName, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (Request.SubjectAlternativeNameExtension is { } san)
        {
            template.CertificateExtensions.Add(san);
        }

        using var certificate = template.CreateSelfSigned(now, now.AddDays(validityDays));
        return EndEntitySigner.Pem(certificate);
    }

    public void Dispose() => _key.Dispose();

    private static X500DistinguishedName Subject(string commonName, CertificateIssuanceOptions issuance)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        if (issuance.CsrCountryName is { Length: > 0 } country)
        {
            subject.AddCountryOrRegion(country);
        }

        if (issuance.CsrStateOrProvinceName is { Length: > 0 } state)
        {
            subject.AddStateOrProvinceName(state);
        }

        if (issuance.CsrLocalityName is { Length: > 0 } locality)
        {
            subject.AddLocalityName(locality);
        }

        if (issuance.CsrOrganizationName is { Length: > 0 } organization)
        {
            subject.AddOrganizationName(organization);
        }

        return subject.Build();
    }

    // Written directly rather than with SubjectAlternativeNameBuilder, whose IDN mapping rejects wildcards.
    private static byte[] DnsNames(IReadOnlyList<string> names)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var name in names)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
            }
        }

        return writer.Encode();
    }
}
