using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Certificates;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Certificates;

/// <summary>
/// CAs given in configuration in the original's <c>CUSTOM_CERTIFICATE_AUTHORITIES</c> form (spec §9.11): an
/// intermediate with a passphrase-protected key under a root, issuing certificates that chain to that root.
/// </summary>
public sealed class CustomCertificateAuthorityTests
{
    private const string Passphrase = "correct horse";

    [Fact]
    public async Task Issue_ActiveIntermediate_ChainsThroughItToTheRoot()
    {
        var (root, intermediate) = Hierarchy();
        await using var host = await DomainHost.StartAsync(Settings(Authorities(root, intermediate)));
        var certificates = host.Get<CertificateService>();
        var billing = ConfidantPrincipal.ForService("billing");
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com", "billing.svc.example.com");
        key.Dispose();

        var fromCsr = await certificates.IssueFromCsrAsync(billing, "internal", csr, 400);
        var withKey = await certificates.IssueWithKeyAsync(billing, "internal", "billing.svc.example.com", [], 5);
        var described = await certificates.GetAuthorityAsync(billing, "internal");

        var rootPem = root.ExportCertificatePem();
        foreach (var issued in new[] { fromCsr, withKey })
        {
            Assert.Empty(CertificateChains.Problems(issued.Certificate, issued.CertificateChain, rootPem));
            Assert.Equal([intermediate.Thumbprint, root.Thumbprint], CertificateChains.All(issued.CertificateChain).Select(c => c.Thumbprint));
        }

        using var clamped = X509Certificate2.CreateFromPem(fromCsr.Certificate);
        Assert.Equal(TimeSpan.FromDays(90), clamped.NotAfter - clamped.NotBefore);
        Assert.Equal(("internal", intermediate.Thumbprint), (described.Ca, X509Certificate2.CreateFromPem(described.Certificate).Thumbprint));
        Assert.Equal(fromCsr.CertificateChain, described.CertificateChain);
        Assert.Empty(described.Tags);
        Assert.Equal(["internal"], (await certificates.ListAuthoritiesAsync(billing)).Select(a => a.Ca));
    }

    [Fact]
    public async Task Load_CaWithoutActiveKey_NotOffered()
    {
        var (root, intermediate) = Hierarchy();
        var authorities = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["internal"] = new[] { Entry(intermediate, root, "k2") },
            ["staged"] = new[] { Entry(intermediate, root, "s1") },
        });
        await using var host = await DomainHost.StartAsync(Settings(authorities));

        Assert.Equal(["internal"], host.Get<CertificateAuthorities>().All.Select(a => a.Name));
    }

    [Theory]
    [InlineData("{\"internal\": \"nope\"}", "names key 'nope' for CA 'internal'")]
    [InlineData("{\"internal\": \"k1\"}", "names key 'k1' for CA 'internal'")]
    public void Validate_ActiveKeyMissingOrIncomplete_RefusedNamingTheCa(string activeKeys, string expected)
    {
        var (root, intermediate) = Hierarchy();

        var result = Validate(Authorities(root, intermediate), activeKeys);

        Assert.Contains(expected, result, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WrongPassphrase_RefusedWithoutRepeatingIt()
    {
        var (root, intermediate) = Hierarchy();
        // Plain JSON text is taken as well as the original's base64 of it.
        var authorities = Authorities(root, intermediate, base64: false).Replace(Passphrase, "wrong horse", StringComparison.Ordinal);

        var result = Validate(authorities, "{\"internal\": \"k2\"}");

        Assert.Contains("CA 'internal' could not be loaded", result, StringComparison.Ordinal);
        Assert.DoesNotContain("horse", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json or base64 !!")]
    [InlineData("[]")]
    public void Validate_UnreadableAuthorities_RefusedNamingTheKey(string authorities) =>
        Assert.Contains("Certificates:Custom:Authorities", Validate(authorities, "{}"), StringComparison.Ordinal);

    private static string Validate(string authorities, string activeKeys) =>
        string.Join(" ", new CertificateOptionsValidator().Validate(null, new CertificateOptions
        {
            Provider = "Custom",
            Custom = { Authorities = authorities, ActiveKeys = activeKeys },
        }).Failures ?? []);

    private static Dictionary<string, string?> Settings(string authorities) => new()
    {
        ["Certificates:Provider"] = "Custom",
        ["Certificates:Custom:Authorities"] = authorities,
        ["Certificates:Custom:ActiveKeys"] = "{\"internal\": \"k2\"}",
        ["Certificates:Custom:MaxValidityDays"] = "90",
        ["Certificates:Custom:DomainRegex"] = @"(?P<service_name>[\w-]+)\.svc\.example\.com$",
    };

    /// <summary>The original's form: base64 of JSON, an incomplete older entry (no passphrase field) next to the active one.</summary>
    private static string Authorities(X509Certificate2 root, X509Certificate2 intermediate, bool base64 = true)
    {
        var older = new Dictionary<string, string?> { ["crt"] = intermediate.ExportCertificatePem(), ["key"] = "x", ["rootcrt"] = null, ["kid"] = "k1" };
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["internal"] = new object[] { older, Entry(intermediate, root, "k2") } });
        return base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) : json;
    }

    private static Dictionary<string, string?> Entry(X509Certificate2 intermediate, X509Certificate2 root, string kid) => new()
    {
        ["crt"] = intermediate.ExportCertificatePem(),
        ["key"] = intermediate.GetECDsaPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem(
            Passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)),
        ["rootcrt"] = root.ExportCertificatePem(),
        ["passphrase"] = Passphrase,
        ["kid"] = kid,
    };

    /// <summary>An RSA root and an ECDSA intermediate under it, valid around the domain host's clock.</summary>
    private static (X509Certificate2 Root, X509Certificate2 Intermediate) Hierarchy()
    {
        var notBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(notBefore, notBefore.AddYears(10));

        var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var signed = request.Create(
            root.SubjectName, X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1), notBefore, notBefore.AddYears(5), [1, 2, 3, 4]);
        return (root, signed.CopyWithPrivateKey(intermediateKey));
    }
}
