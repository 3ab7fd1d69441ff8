using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confidant.Services.Certificates;

/// <summary>
/// Signs an end-entity certificate with a CA key held here (the local CA and configured CAs), with the extensions
/// of the original's custom CA (spec §4.7): CA=false and key usage digitalSignature + keyEncipherment (both
/// critical), server and client authentication, the request's SANs, a random serial, SHA-256. Key identifiers are
/// added so that chains build without name matching.
/// </summary>
internal static class EndEntitySigner
{
    private static readonly OidCollection ServerAndClientAuth = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    public static string Sign(SigningRequest request, X509Certificate2 issuer, DateTimeOffset now, int validityDays)
    {
        // Whole seconds: certificates carry no fractions, and the issuer's window must contain the new one.
        var notBefore = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var notAfter = Min(notBefore.AddDays(validityDays), new DateTimeOffset(issuer.NotAfter.ToUniversalTime()));
        if (notBefore < issuer.NotBefore.ToUniversalTime() || notAfter <= notBefore)
        {
            throw new CertificateAuthorityException(transient: false, "The CA certificate is not valid now.");
        }

        var template = new CertificateRequest(request.Parsed.SubjectName, request.Parsed.PublicKey, HashAlgorithmName.SHA256);
        template.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        template.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        template.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ServerAndClientAuth, critical: false));
        template.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.Parsed.PublicKey, critical: false));
        template.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (request.SubjectAlternativeNameExtension is { } san)
        {
            template.CertificateExtensions.Add(new X509Extension(san.Oid!, san.RawData, critical: false));
        }

        // The issuer's own key signs, whatever the subject's key type is (an RSA key under an ECDSA CA, say).
        using var ecdsa = issuer.GetECDsaPrivateKey();
        using var rsa = issuer.GetRSAPrivateKey();
        var generator = ecdsa is not null ? X509SignatureGenerator.CreateForECDsa(ecdsa)
            : rsa is not null ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)
            : throw new CertificateAuthorityException(transient: false, "The CA key is neither RSA nor ECDSA.");
        using var certificate = template.Create(issuer.SubjectName, generator, notBefore, notAfter, SerialNumber());
        return Pem(certificate);
    }

    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    /// <summary>16 random bytes, kept positive and of full length (RFC 5280 §4.1.2.2: at most 20 octets).</summary>
    internal static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
