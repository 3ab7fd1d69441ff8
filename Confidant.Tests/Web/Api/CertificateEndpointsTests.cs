using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// /v1/certificates and /v1/cas (spec §4.7): shapes, statuses and error strings, the chain of what is issued checked
/// with X509Chain, the service ACL on the CN and on every SAN, and the audit record of each issuance.
/// </summary>
public abstract class CertificateEndpointsTests(ApiBackend backend, CertificateBackend certificates) : IAsyncLifetime
{
    // Python syntax, as ACM_PRIVATE_CA_DOMAIN_REGEX_<CA> is written: the service name is the first label.
    private const string DomainRegex = @"(?P<service_name>[\w-]+)\.(?:svc|api)\.example\.com$";

    private ApiTestHost _host = null!;
    private HttpClient _billing = null!;
    private string _ca = null!;

    public async Task InitializeAsync()
    {
        var settings = await certificates.SettingsAsync(DomainRegex);
        settings["Api:MaintenanceMode"] = "true";
        _host = await ApiTestHost.CreateAsync(backend, settings);
        _billing = await _host.ServiceClientAsync("billing");
        _ca = certificates.CaName;
    }

    public async Task DisposeAsync()
    {
        _billing.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task GetCertificate_ServiceForItsOwnNames_KeyAndCertificateThatChainToTheCa()
    {
        var response = await _billing.GetWireAsync($"/v1/certificates/{_ca}/billing.svc.example.com?validity=30&san=billing.svc.example.com&san=billing.api.example.com");
        var body = response.AssertSchema();

        WireResponse.AssertFields(body, "certificate", "certificate_chain", "key");
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", key, StringComparison.Ordinal);
        var certificate = body.GetProperty("certificate").GetString()!;
        Assert.Empty(CertificateChains.Problems(certificate, body.GetProperty("certificate_chain").GetString()!, await CaCertificateAsync()));
        Assert.Equal(["billing.svc.example.com", "billing.api.example.com"], CertificateChains.DnsNames(certificate));
        using var issued = X509Certificate2.CreateFromPem(certificate);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key);
        Assert.Equal(rsa.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("CN=billing.svc.example.com", issued.Subject);
        if (certificates.HonoursValidity)
        {
            Assert.Equal(TimeSpan.FromDays(30), issued.NotAfter - issued.NotBefore);
        }
    }

    [Fact]
    public async Task GetCertificate_EveryIssuanceIsAuditedAsAKeyDelivery()
    {
        (await _billing.GetWireAsync($"/v1/certificates/{_ca}/billing.svc.example.com")).AssertSchema();

        var events = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: $"{_ca}/billing.svc.example.com"))).Records.Select(r => r.Entry);

        var recorded = Assert.Single(events);
        Assert.Equal(AuditActions.CertificateIssueWithKey, recorded.Action);
        Assert.Equal("certificate", recorded.ResourceType);
        Assert.Equal("billing", recorded.Actor.Name);
        Assert.Equal("service", recorded.Actor.Type);
    }

    [Fact]
    public async Task GetCertificate_ANameOutsideTheServicesPattern_403AndNothingIssued()
    {
        (string Cn, string Sans)[] cases =
        [
            ("web.svc.example.com", ""),
            ("billing.evil.com", ""),
            ("billing.svc.example.com", "&san=web.svc.example.com"),
            ("billing.svc.example.com", "&san=billing.svc.example.com&san=billing.svc.example.com.evil.com"),
            ("billing.svc.example.com", "&san=10.0.0.1"),
        ];

        foreach (var (cn, sans) in cases)
        {
            var response = await _billing.GetWireAsync($"/v1/certificates/{_ca}/{cn}?validity=10{sans}");

            response.AssertError(HttpStatusCode.Forbidden, $"billing does not have access to get certificate cn {cn} against ca {_ca}", cn);
        }

        // Each refusal is on record as denied; nothing was delivered.
        var recorded = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(Actor: "billing"))).Records.Select(r => r.Entry).ToList();
        Assert.Equal(cases.Length, recorded.Count);
        Assert.All(recorded, e => Assert.Equal((AuditActions.CertificateIssueWithKey, AuditOutcomes.Denied), (e.Action, e.Outcome)));
    }

    [Fact]
    public async Task GetCertificate_UnknownCa_404BeforeTheAcl()
    {
        using var person = await _host.UserClientAsync("alice");

        (await person.GetWireAsync("/v1/certificates/nope/billing.svc.example.com")).AssertError(HttpStatusCode.NotFound, "Provided CA not found.");
        (await person.PostWireAsync("/v1/certificates/nope", null)).AssertError(HttpStatusCode.NotFound, "Provided CA not found.");
        (await person.GetWireAsync("/v1/cas/nope")).AssertError(HttpStatusCode.NotFound, "Provided CA not found.");
    }

    [Fact]
    public async Task People_AreDeniedCertificatesAndCas()
    {
        using var person = await _host.UserClientAsync("alice");

        (await person.GetWireAsync($"/v1/certificates/{_ca}/alice.svc.example.com"))
            .AssertError(HttpStatusCode.Forbidden, $"alice does not have access to get certificate cn alice.svc.example.com against ca {_ca}", "alice.svc.example.com");
        (await person.GetWireAsync("/v1/cas")).AssertError(HttpStatusCode.Forbidden, "alice does not have access to list cas");
        (await person.GetWireAsync($"/v1/cas/{_ca}")).AssertError(HttpStatusCode.Forbidden, $"alice does not have access to get ca {_ca}", _ca);
    }

    [Fact]
    public async Task GetCertificate_ValidityBelowOneDay_400()
    {
        foreach (var validity in new[] { "0", "-5" })
        {
            (await _billing.GetWireAsync($"/v1/certificates/{_ca}/billing.svc.example.com?validity={validity}"))
                .AssertError(HttpStatusCode.BadRequest, "validity must be a positive whole number of days");
        }
    }

    [Fact]
    public async Task GetCertificate_UnreadableValidity_IsTheCaMaximum()
    {
        // spec §1.1: integer query parameters that do not parse count as absent.
        var body = (await _billing.GetWireAsync($"/v1/certificates/{_ca}/billing.svc.example.com?validity=abc")).AssertSchema();

        using var issued = X509Certificate2.CreateFromPem(body.GetProperty("certificate").GetString()!);
        if (certificates.HonoursValidity)
        {
            Assert.Equal(TimeSpan.FromDays(120), issued.NotAfter - issued.NotBefore);
        }
    }

    [Fact]
    public async Task GetCertificate_CommonNameLongerThan64_400()
    {
        var service = new string('a', 60);
        using var client = await _host.ServiceClientAsync(service);

        (await client.GetWireAsync($"/v1/certificates/{_ca}/{service}.svc.example.com"))
            .AssertError(HttpStatusCode.BadRequest, "cn must be at most 64 characters");
    }

    [Fact]
    public async Task PostCsr_ServiceForItsOwnNames_CertificateForTheClientsKey()
    {
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com", "billing.svc.example.com", "billing.api.example.com");
        using (key)
        {
            // Maintenance mode is on for this whole suite: issuing stores nothing, so it is not blocked (spec §4.12).
            var response = await _billing.PostWireAsync($"/v1/certificates/{_ca}", JsonSerializer.Serialize(new { csr, validity = 7 }));
            var body = response.AssertSchema();

            WireResponse.AssertFields(body, "certificate", "certificate_chain");
            var certificate = body.GetProperty("certificate").GetString()!;
            Assert.Empty(CertificateChains.Problems(certificate, body.GetProperty("certificate_chain").GetString()!, await CaCertificateAsync()));
            using var issued = X509Certificate2.CreateFromPem(certificate);
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.Equal(["billing.svc.example.com", "billing.api.example.com"], CertificateChains.DnsNames(certificate));
            var recorded = Assert.Single((await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: $"{_ca}/billing.svc.example.com"))).Records.Select(r => r.Entry));
            Assert.Equal(AuditActions.CertificateIssue, recorded.Action);
        }
    }

    [Fact]
    public async Task PostCsr_ANameOutsideTheServicesPattern_403WithTheOriginalsMessage()
    {
        (string Cn, string[] Sans)[] cases =
        [
            ("web.svc.example.com", []),
            ("billing.svc.example.com", ["web.api.example.com"]),
            ("billing.svc.example.com", ["billing.svc.example.com", "other.example.org"]),
        ];

        foreach (var (cn, sans) in cases)
        {
            var (key, csr) = CertificateChains.ClientRequest(cn, sans);
            key.Dispose();

            var response = await _billing.PostWireAsync($"/v1/certificates/{_ca}", JsonSerializer.Serialize(new { csr }));

            response.AssertError(HttpStatusCode.Forbidden, "billing does not have access to getcertificate cn {cn} against ca {ca}", cn);
        }
    }

    [Fact]
    public async Task PostCsr_MissingOrUndecodableCsr_400()
    {
        (string? Json, string Message)[] cases =
        [
            (null, "csr must be provided in the POST body."),
            ("{}", "csr must be provided in the POST body."),
            ("{\"csr\": \"\"}", "csr must be provided in the POST body."),
            ("{\"csr\": null, \"validity\": 5}", "csr must be provided in the POST body."),
            ("{\"csr\": \"not a csr\"}", "csr could not be decoded"),
            ("{\"csr\": 12}", "csr could not be decoded"),
            ("{\"csr\": [\"x\"]}", "csr could not be decoded"),
            ("{\"csr\": \"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\\n\"}", "csr could not be decoded"),
        ];

        foreach (var (json, message) in cases)
        {
            (await _billing.PostWireAsync($"/v1/certificates/{_ca}", json)).AssertError(HttpStatusCode.BadRequest, message);
        }
    }

    [Fact]
    public async Task PostCsr_BadInput_400NeverServerError()
    {
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com", "billing.svc.example.com");
        using (key)
        {
            var tampered = csr.Replace(csr.Split('\n')[3], new string('A', csr.Split('\n')[3].Length), StringComparison.Ordinal);
            string[] bodies =
            [
                JsonSerializer.Serialize(new { csr = tampered }),
                JsonSerializer.Serialize(new { csr = csr + new string(' ', 40_000) }),
                JsonSerializer.Serialize(new { csr, validity = "30" }),
                JsonSerializer.Serialize(new { csr, validity = 1.5 }),
                JsonSerializer.Serialize(new { csr, validity = 0 }),
                JsonSerializer.Serialize(new { csr, validity = 99_999_999_999 }),
                "{\"csr\": ",
            ];

            foreach (var body in bodies)
            {
                var response = await _billing.PostWireAsync($"/v1/certificates/{_ca}", body);
                response.AssertSomeError(HttpStatusCode.BadRequest);
            }
        }
    }

    [Fact]
    public async Task PostCsr_CsrWithoutCommonName_400()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=No Common Name", key, HashAlgorithmName.SHA256);

        (await _billing.PostWireAsync($"/v1/certificates/{_ca}", JsonSerializer.Serialize(new { csr = request.CreateSigningRequestPem() })))
            .AssertError(HttpStatusCode.BadRequest, "csr must have a common name (CN)");
    }

    [Fact]
    public async Task ListCas_Service_EveryCaWithCertificateChainAndTags()
    {
        var body = (await _billing.GetWireAsync("/v1/cas")).AssertSchema();

        var ca = Assert.Single(body.GetProperty("cas").EnumerateArray());
        WireResponse.AssertFields(ca, "ca", "certificate", "certificate_chain", "tags");
        Assert.Equal(_ca, ca.GetProperty("ca").GetString());
        Assert.Equal(JsonValueKind.Object, ca.GetProperty("tags").ValueKind);
        var single = (await _billing.GetWireAsync($"/v1/cas/{_ca}")).AssertSchema();
        Assert.Equal(ca.GetRawText(), single.GetRawText());
        using var certificate = X509Certificate2.CreateFromPem(ca.GetProperty("certificate").GetString()!);
        Assert.True(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    /// <summary>The CA's certificate as clients learn it (GET /v1/cas/&lt;ca&gt;): the trust anchor of the chain checks.</summary>
    private async Task<string> CaCertificateAsync() =>
        (await _billing.GetWireAsync($"/v1/cas/{_ca}")).AssertSchema().GetProperty("certificate").GetString()!;
}
