using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Confidant.Services.Certificates;
using Confidant.Services.Certificates.AcmPca;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Certificates;

/// <summary>AWS Private CA over its JSON API (SigV4 by AWSSDK.Core's signer) against moto's acm-pca, on real HTTP.</summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class AcmPcaCertificateAuthorityTests(MotoServerFixture moto) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Issue_FromClientCsr_ChainValidatesToTheCaRoot()
    {
        var (arn, root) = await moto.CreateCertificateAuthorityAsync("Billing Root");
        var authority = Authority(arn);
        var (key, csr) = CertificateChains.ClientRequest("billing.example.com", "billing.example.com", "api.billing.example.com");
        using (key)
        {
            var issued = await authority.IssueAsync(SigningRequest.Parse(csr), 30);

            Assert.Empty(CertificateChains.Problems(issued.Certificate, issued.CertificateChain, root));
            using var certificate = X509Certificate2.CreateFromPem(issued.Certificate);
            Assert.Equal("CN=billing.example.com", certificate.Subject);
            Assert.Equal(["billing.example.com", "api.billing.example.com"], CertificateChains.DnsNames(issued.Certificate));
            Assert.Null(issued.PrivateKey);
        }
    }

    [Fact]
    public async Task Describe_RootCa_ReturnsItsCertificateAsItsOwnChainAndItsTags()
    {
        var (arn, root) = await moto.CreateCertificateAuthorityAsync("Tagged Root", new Dictionary<string, string> { ["team"] = "security" });

        var described = await Authority(arn).DescribeAsync();

        Assert.Equal("acm-test", described.Ca);
        Assert.Equal(root.Trim(), described.Certificate.Trim());
        Assert.Equal(described.Certificate, described.CertificateChain);
        Assert.Equal("security", described.Tags["team"]);
    }

    [Fact]
    public async Task GetCertificate_WhileAwsAnswersInProgress_AsksAgainThenGivesUpAsTransient()
    {
        // moto answers RequestInProgressException for a revoked certificate's GetCertificate: a stand-in for AWS
        // still issuing it.
        var (arn, _) = await moto.CreateCertificateAuthorityAsync("Polling Root");
        var (key, csr) = CertificateChains.ClientRequest("poll.example.com");
        key.Dispose();
        var client = Client(pollAttempts: 3);
        var certificateArn = await client.IssueCertificateAsync(arn, csr, "SHA256WITHRSA", new AcmPcaAuthorityOptions().TemplateArn, 10, CancellationToken.None);
        var (pem, _) = await client.GetCertificateAsync(arn, certificateArn, CancellationToken.None);
        using var issued = X509Certificate2.CreateFromPem(pem);
        await moto.AcmPcaAsync("RevokeCertificate", new JsonObject
        {
            ["CertificateAuthorityArn"] = arn,
            ["CertificateSerial"] = MotoSerial(issued),
            ["RevocationReason"] = "KEY_COMPROMISE",
        });

        var started = TimeProvider.System.GetTimestamp();
        var error = await Assert.ThrowsAsync<CertificateAuthorityException>(() => client.GetCertificateAsync(arn, certificateArn, CancellationToken.None));

        Assert.True(error.Transient);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Issue_UnknownCaArn_IsAPermanentFailureNamingTheOperation()
    {
        var (key, csr) = CertificateChains.ClientRequest("nobody.example.com");
        key.Dispose();
        var authority = Authority("arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/00000000-0000-0000-0000-000000000000");

        var error = await Assert.ThrowsAsync<CertificateAuthorityException>(() => authority.IssueAsync(SigningRequest.Parse(csr), 10));

        Assert.False(error.Transient);
        Assert.Contains("ResourceNotFoundException", error.Message, StringComparison.Ordinal);
        Assert.Contains("IssueCertificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_NoCredentials_FailTheCallNotTheClient_TheNextCallLooksAgain()
    {
        var lookups = 0;
        var client = new AcmPcaClient(
            _http, () => throw new AmazonClientException($"no credentials ({++lookups})"), "http://127.0.0.1:1/", TimeProvider.System);
        const string Ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x";

        var first = await Assert.ThrowsAsync<CertificateAuthorityException>(() => client.ListTagsAsync(Ca, CancellationToken.None));
        await Assert.ThrowsAsync<CertificateAuthorityException>(() => client.ListTagsAsync(Ca, CancellationToken.None));

        Assert.Equal((true, "No AWS credentials were found for ListTags."), (first.Transient, first.Message));
        Assert.Equal(2, lookups);
    }

    [Fact]
    public async Task Calls_UnreachableEndpoint_AreTransient()
    {
        var client = new AcmPcaClient(_http, () => new BasicAWSCredentials("x", "x"), "http://127.0.0.1:1/", TimeProvider.System);

        var error = await Assert.ThrowsAsync<CertificateAuthorityException>(() => client.ListTagsAsync(
            "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x", CancellationToken.None));

        Assert.True(error.Transient);
    }

    [Theory]
    [InlineData("arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/abc", "eu-west-1")]
    [InlineData("arn:aws-cn:acm-pca:cn-north-1:123456789012:certificate-authority/abc", "cn-north-1")]
    [InlineData("arn:aws:kms:eu-west-1:123456789012:key/abc", null)]
    [InlineData("arn:aws:acm-pca:eu-west-1:123456789012:certificate/abc", null)]
    [InlineData("not an arn", null)]
    public void RegionOf_CaArn_IsItsRegionPart(string arn, string? region) => Assert.Equal(region, AcmPcaClient.RegionOf(arn));

    // moto keys revocations by the serial as Python's format(serial, "X") split in pairs from the left.
    private static string MotoSerial(X509Certificate2 certificate) =>
        string.Join(':', Convert.ToHexString(certificate.GetSerialNumber().Reverse().ToArray()).TrimStart('0').Chunk(2).Select(c => new string(c)));

    private AcmPcaClient Client(int pollAttempts = 50) =>
        new(_http, () => new BasicAWSCredentials("x", "x"), moto.ServiceUrl, TimeProvider.System, pollAttempts, TimeSpan.FromMilliseconds(20));

    private AcmPcaCertificateAuthority Authority(string arn) =>
        new(new AcmPcaAuthorityOptions { Name = "acm-test", Arn = arn }, Client());
}
