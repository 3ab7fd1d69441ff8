using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confidant.Services.Errors;

namespace Confidant.Services.Certificates;

/// <summary>
/// A PKCS#10 certificate signing request whose signature has been checked, with the names the ACL judges: the common
/// name and every subject alternative name (spec §3.3, §4.7). Only the subject, the public key and the SAN extension
/// are ever copied into a certificate; anything else the request asks for is ignored.
/// </summary>
public sealed class SigningRequest
{
    /// <summary>Larger PEM texts are refused before parsing; a request with a 16384-bit RSA key is about 5 KB.</summary>
    public const int MaxPemLength = 32 * 1024;

    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private const string CommonNameOid = "2.5.4.3";

    private SigningRequest(string pem, CertificateRequest parsed, string commonName, IReadOnlyList<string> names, X509Extension? san)
    {
        Pem = pem;
        Parsed = parsed;
        CommonName = commonName;
        SubjectAlternativeNames = names;
        SubjectAlternativeNameExtension = san;
    }

    /// <summary>The request as PEM text, as sent to AWS Private CA.</summary>
    public string Pem { get; }

    public string CommonName { get; }

    /// <summary>DNS names, IP addresses, e-mail addresses and URIs, in request order, as text.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; }

    internal CertificateRequest Parsed { get; }

    internal X509Extension? SubjectAlternativeNameExtension { get; }

    /// <summary>
    /// Reads a client's PEM request. Anything unreadable — not PEM, not a request, a bad signature, too large — is a
    /// 400 with the original's message (spec §4.7); a request without a common name, or with a kind of alternative
    /// name the ACL cannot judge, is a 400 saying so.
    /// </summary>
    public static SigningRequest Parse(string pem)
    {
        CertificateRequest parsed;
        try
        {
            if (pem.Length > MaxPemLength)
            {
                throw new CryptographicException("The request is too large.");
            }

            // Extensions are loaded only to read the SAN; the signature is verified (the default).
            parsed = CertificateRequest.LoadSigningRequestPem(
                pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException or AsnContentException)
        {
            throw ConfidantException.BadRequest(ErrorMessages.CsrNotDecoded);
        }

        return FromParsed(pem, parsed);
    }

    internal static SigningRequest FromParsed(string pem, CertificateRequest parsed)
    {
        var commonName = CommonNameOf(parsed.SubjectName)
            ?? throw ConfidantException.BadRequest(CertificateMessages.CsrWithoutCommonName);
        var san = parsed.CertificateExtensions.FirstOrDefault(e => e.Oid?.Value == SubjectAlternativeNameOid);
        return new SigningRequest(pem, parsed, commonName, san is null ? [] : NamesOf(san), san);
    }

    private static string? CommonNameOf(X500DistinguishedName subject)
    {
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid)
            {
                return rdn.GetSingleElementValue() is { Length: > 0 } value ? value : null;
            }
        }

        return null;
    }

    /// <summary>The GeneralNames of a SAN extension (RFC 5280 §4.2.1.6) as text.</summary>
    private static List<string> NamesOf(X509Extension extension)
    {
        try
        {
            var names = new List<string>();
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                names.Add(tag.TagClass == TagClass.ContextSpecific
                    ? tag.TagValue switch
                    {
                        1 or 2 or 6 => sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                        7 => new IPAddress(sequence.ReadOctetString(tag)).ToString(),
                        _ => throw ConfidantException.BadRequest(CertificateMessages.CsrUnsupportedAlternativeName),
                    }
                    : throw ConfidantException.BadRequest(CertificateMessages.CsrUnsupportedAlternativeName));
            }

            return names;
        }
        catch (Exception error) when (error is AsnContentException or ArgumentException)
        {
            throw ConfidantException.BadRequest(ErrorMessages.CsrNotDecoded);
        }
    }
}
