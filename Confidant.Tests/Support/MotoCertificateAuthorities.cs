using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Confidant.Services.Aws;

namespace Confidant.Tests.Support;

/// <summary>AWS Private CAs in moto's acm-pca, set up as an operator sets up a root CA.</summary>
public static class MotoCertificateAuthorities
{
    public const string RootTemplate = "arn:aws:acm-pca:::template/RootCACertificate/V1";

    /// <summary>
    /// Creates a root CA: CreateCertificateAuthority, then its root certificate issued from its own CSR with the
    /// RootCACertificate template, imported back. Returns the CA's ARN and its certificate (PEM).
    /// </summary>
    public static async Task<(string Arn, string Certificate)> CreateCertificateAuthorityAsync(
        this MotoServerFixture moto, string commonName, IReadOnlyDictionary<string, string>? tags = null)
    {
        var create = new JsonObject
        {
            ["CertificateAuthorityType"] = "ROOT",
            ["CertificateAuthorityConfiguration"] = new JsonObject
            {
                ["KeyAlgorithm"] = "RSA_2048",
                ["SigningAlgorithm"] = "SHA256WITHRSA",
                ["Subject"] = new JsonObject { ["CommonName"] = commonName, ["Organization"] = "Confidant tests" },
            },
        };
        if (tags is not null)
        {
            create["Tags"] = new JsonArray(tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
        }

        var arn = (await moto.AcmPcaAsync("CreateCertificateAuthority", create)).GetProperty("CertificateAuthorityArn").GetString()!;
        var csr = (await moto.AcmPcaAsync("GetCertificateAuthorityCsr", new JsonObject { ["CertificateAuthorityArn"] = arn }))
            .GetProperty("Csr").GetString()!;
        var rootArn = (await moto.AcmPcaAsync("IssueCertificate", new JsonObject
        {
            ["CertificateAuthorityArn"] = arn,
            ["Csr"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(csr)),
            ["SigningAlgorithm"] = "SHA256WITHRSA",
            ["TemplateArn"] = RootTemplate,
            ["Validity"] = new JsonObject { ["Value"] = 3650, ["Type"] = "DAYS" },
        })).GetProperty("CertificateArn").GetString()!;
        var root = (await moto.AcmPcaAsync("GetCertificate", new JsonObject { ["CertificateAuthorityArn"] = arn, ["CertificateArn"] = rootArn }))
            .GetProperty("Certificate").GetString()!;
        await moto.AcmPcaAsync("ImportCertificateAuthorityCertificate", new JsonObject
        {
            ["CertificateAuthorityArn"] = arn,
            ["Certificate"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(root)),
        });
        return (arn, root);
    }

    /// <summary>One ACM PCA JSON call to moto; a non-success answer fails the test with moto's error body.</summary>
    public static async Task<JsonElement> AcmPcaAsync(this MotoServerFixture moto, string operation, JsonObject body)
    {
        using var http = new HttpClient();
        using var response = await SignedAwsRequest.PostAsync(
            http, new BasicAWSCredentials("x", "x"), "acm-pca", "us-east-1", new Uri(moto.ServiceUrl),
            Encoding.UTF8.GetBytes(body.ToJsonString()), "application/x-amz-json-1.1", TimeProvider.System.GetUtcNow(),
            new Dictionary<string, string> { ["X-Amz-Target"] = "ACMPrivateCA." + operation }, CancellationToken.None);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"moto acm-pca {operation}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return document.RootElement.Clone();
    }
}
