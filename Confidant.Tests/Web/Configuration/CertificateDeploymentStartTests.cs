using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Configuration;

/// <summary>
/// A Confidant deployment whose CAs are AWS Private CAs, started in its own process with only the original's names
/// (<c>ACM_PRIVATE_CAS</c>, <c>ACM_PRIVATE_CA_*_&lt;CA&gt;</c>, spec §10.8) and the AWS SDKs' endpoint name
/// <c>AWS_ENDPOINT_URL_ACM_PCA</c> pointing at moto.
/// </summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class CertificateDeploymentStartTests(MotoServerFixture moto) : IAsyncLifetime
{
    private const string AuthContext = "confidant-certificates";

    private ConfidantProcess _app = null!;
    private string _authKey = string.Empty;
    private string _root = string.Empty;

    public async Task InitializeAsync()
    {
        var (atRest, _) = await moto.CreateKeyAsync("at-rest");
        (_authKey, _) = await moto.CreateKeyAsync("auth");
        string arn;
        (arn, _root) = await moto.CreateCertificateAuthorityAsync("Deployment Root", new Dictionary<string, string> { ["owner"] = "pki" });
        _app = ConfidantProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["KMS_MASTER_KEY"] = atRest,
            ["KMS_URL"] = moto.ServiceUrl,
            ["AUTH_CONTEXT"] = AuthContext,
            ["AUTH_KEY"] = _authKey,
            ["ACM_PRIVATE_CAS"] = " internal ,",
            ["ACM_PRIVATE_CA_ARN_INTERNAL"] = arn,
            ["ACM_PRIVATE_CA_DOMAIN_REGEX_INTERNAL"] = @"(?P<service_name>[\w-]+)\.svc\.example\.com$",
            ["ACM_PRIVATE_CA_MAX_VALIDITY_DAYS_INTERNAL"] = "30",
            ["ACM_PRIVATE_CA_CSR_ORGANIZATION_NAME_INTERNAL"] = "Example",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "confidant-test",
            ["AWS_SECRET_ACCESS_KEY"] = "confidant-test",
            ["AWS_ENDPOINT_URL_IAM"] = moto.ServiceUrl,
            ["AWS_ENDPOINT_URL_ACM_PCA"] = moto.ServiceUrl,
        });
        await _app.BaseAddressAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Start_OriginalCaNames_ServiceGetsACertificateFromAwsPrivateCa()
    {
        using var billing = await ServiceClientAsync("billing");

        var cas = JsonNode.Parse(await billing.GetStringAsync(new Uri("/v1/cas", UriKind.Relative)))!["cas"]!.AsArray();
        var issued = await billing.GetAsync(new Uri("/v1/certificates/internal/billing.svc.example.com", UriKind.Relative));
        var text = await issued.Content.ReadAsStringAsync();

        var ca = Assert.Single(cas)!;
        Assert.Equal("internal", ca["ca"]!.GetValue<string>());
        Assert.Equal(_root.Trim(), ca["certificate"]!.GetValue<string>().Trim());
        Assert.Equal("pki", ca["tags"]!["owner"]!.GetValue<string>());
        Assert.True(issued.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        Assert.Empty(CertificateChains.Problems(body["certificate"]!.GetValue<string>(), body["certificate_chain"]!.GetValue<string>(), _root));

        // With AWS KMS and AWS Private CAs nothing falls back to the embedded local CA.
        Assert.False(File.Exists(_app.WorkingDirectory.File(Path.Combine("App_Data", "confidant.local-ca.json"))));
    }

    private async Task<HttpClient> ServiceClientAsync(string service)
    {
        var token = await new KmsTokenGenerator(new AwsKmsKeyService(moto.Kms), TimeProvider.System).GenerateAsync(_authKey, service, AuthContext, "service");
        var client = new HttpClient { BaseAddress = await _app.BaseAddressAsync() };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        return client;
    }
}
