using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confidant.Services.Certificates;
using Confidant.Services.Errors;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Certificates;

/// <summary>Reading a client's CSR (spec §4.7): the names the ACL judges, and 400s for whatever cannot be read.</summary>
public sealed class SigningRequestTests
{
    [Fact]
    public void Parse_EveryKindOfName_AsText()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=billing.svc.example.com, O=Example", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("billing.svc.example.com");
        san.AddIpAddress(IPAddress.Parse("10.1.2.3"));
        san.AddIpAddress(IPAddress.Parse("2001:db8::1"));
        san.AddEmailAddress("ops@example.com");
        san.AddUri(new Uri("spiffe://example.com/billing"));
        request.CertificateExtensions.Add(san.Build());

        var parsed = SigningRequest.Parse(request.CreateSigningRequestPem());

        Assert.Equal("billing.svc.example.com", parsed.CommonName);
        Assert.Equal(["billing.svc.example.com", "10.1.2.3", "2001:db8::1", "ops@example.com", "spiffe://example.com/billing"], parsed.SubjectAlternativeNames);
    }

    [Fact]
    public void Parse_NoSan_OnlyTheCommonName()
    {
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com");
        key.Dispose();

        var parsed = SigningRequest.Parse(csr);

        Assert.Empty(parsed.SubjectAlternativeNames);
        Assert.Null(parsed.SubjectAlternativeNameExtension);
    }

    [Fact]
    public void Parse_DirectoryNameSan_400BecauseTheAclCannotJudgeIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=billing.svc.example.com", key, HashAlgorithmName.SHA256);
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var directoryName = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 4, isConstructed: true);
            using (writer.PushSequence(directoryName))
            {
                writer.WriteEncodedValue(new X500DistinguishedName("CN=web").RawData);
            }
        }

        request.CertificateExtensions.Add(new X509Extension("2.5.29.17", writer.Encode(), critical: false));

        var error = Assert.Throws<ConfidantException>(() => SigningRequest.Parse(request.CreateSigningRequestPem()));

        Assert.Equal((ConfidantErrorKind.BadRequest, CertificateMessages.CsrUnsupportedAlternativeName), (error.Kind, error.Message));
    }

    [Fact]
    public void Parse_ForgedSignature_CouldNotBeDecoded()
    {
        // The CSR of one key with the public key of another: its signature does not verify.
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=billing.svc.example.com", signer, HashAlgorithmName.SHA256);
        var forged = request.CreateSigningRequest(X509SignatureGenerator.CreateForECDsa(other));

        var error = Assert.Throws<ConfidantException>(() => SigningRequest.Parse(PemEncoding.WriteString("CERTIFICATE REQUEST", forged)));

        Assert.Equal(ErrorMessages.CsrNotDecoded, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a csr")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n")]
    public void Parse_NotACsr_CouldNotBeDecoded(string pem)
    {
        var error = Assert.Throws<ConfidantException>(() => SigningRequest.Parse(pem));

        Assert.Equal((ConfidantErrorKind.BadRequest, ErrorMessages.CsrNotDecoded), (error.Kind, error.Message));
    }

    [Fact]
    public void Parse_Oversize_CouldNotBeDecoded()
    {
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com");
        key.Dispose();

        var error = Assert.Throws<ConfidantException>(() => SigningRequest.Parse(csr + new string('\n', SigningRequest.MaxPemLength)));

        Assert.Equal(ErrorMessages.CsrNotDecoded, error.Message);
    }

    [Fact]
    public void GeneratedKey_RsaKeyOfTheConfiguredSize_SubjectAttributesAndSans()
    {
        var issuance = new CertificateIssuanceOptions { KeySize = 3072, CsrCountryName = "US", CsrOrganizationName = "Example", CsrLocalityName = "SF" };

        using var generated = GeneratedKey.Create("billing.svc.example.com", ["billing.svc.example.com", "*.billing.svc.example.com"], issuance);

        using var rsa = RSA.Create();
        rsa.ImportFromPem(generated.PrivateKeyPem());
        Assert.Equal(3072, rsa.KeySize);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", generated.PrivateKeyPem(), StringComparison.Ordinal);
        Assert.Equal(["billing.svc.example.com", "*.billing.svc.example.com"], generated.Request.SubjectAlternativeNames);
        // In the original's order: CN first, then C, ST, L, O as configured.
        Assert.Equal(
            ["2.5.4.3:billing.svc.example.com", "2.5.4.6:US", "2.5.4.7:SF", "2.5.4.10:Example"],
            generated.Request.Parsed.SubjectName.EnumerateRelativeDistinguishedNames().Select(r => $"{r.GetSingleElementType().Value}:{r.GetSingleElementValue()}"));
    }

    [Theory]
    [InlineData(65, 0, 10)]
    [InlineData(10, 101, 10)]
    [InlineData(10, 1, 254)]
    public void GeneratedKey_Validate_LimitsOfCnAndSans(int cnLength, int sanCount, int sanLength)
    {
        var sans = Enumerable.Repeat(new string('s', sanLength), sanCount).ToList();

        var error = Assert.Throws<ConfidantException>(() => GeneratedKey.Validate(new string('c', cnLength), sans));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
    }

    [Theory]
    [InlineData("has space.example.com")]
    [InlineData("tab\t.example.com")]
    [InlineData("ünïcode.example.com")]
    [InlineData("")]
    public void GeneratedKey_Validate_SansMustBePrintableAscii(string san) =>
        Assert.Throws<ConfidantException>(() => GeneratedKey.Validate("billing.svc.example.com", [san]));
}
