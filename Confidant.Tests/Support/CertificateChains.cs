using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Confidant.Tests.Support;

/// <summary>Chain validation with .NET's own X509Chain, trusting only the given root (no system store, no revocation).</summary>
public static class CertificateChains
{
    /// <summary>
    /// Builds the chain of <paramref name="leafPem"/> from <paramref name="chainPem"/> up to <paramref name="rootPem"/>,
    /// checked a minute into the leaf's validity (the tests run on a fake clock); returns the problems, empty when valid.
    /// </summary>
    public static IReadOnlyList<string> Problems(string leafPem, string chainPem, string rootPem)
    {
        using var leaf = X509Certificate2.CreateFromPem(leafPem);
        using var root = X509Certificate2.CreateFromPem(rootPem);
        var intermediates = new X509Certificate2Collection();
        intermediates.ImportFromPem(chainPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = leaf.NotBefore.AddMinutes(1);
        var valid = chain.Build(leaf);
        var problems = chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}").ToList();
        if (valid && problems.Count == 0 && !chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(root.RawData))
        {
            problems.Add("the chain does not end at the given root");
        }

        foreach (var certificate in intermediates)
        {
            certificate.Dispose();
        }

        return valid ? problems : problems.DefaultIfEmpty("X509Chain.Build returned false").ToList();
    }

    /// <summary>Every PEM certificate in <paramref name="pem"/>.</summary>
    public static List<X509Certificate2> All(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }

    /// <summary>A client's own key and CSR (PEM) with a common name and DNS SANs, as a workload would make them.</summary>
    public static (ECDsa Key, string Csr) ClientRequest(string commonName, params string[] dnsNames)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>The DNS names in a certificate's SAN extension.</summary>
    public static IReadOnlyList<string> DnsNames(string certificatePem)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        return certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
    }

    /// <summary>PEM text without its armour lines, for looking for key bytes in files.</summary>
    public static string Base64Body(string pem) =>
        new StringBuilder().AppendJoin(string.Empty, pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim())).ToString();
}
