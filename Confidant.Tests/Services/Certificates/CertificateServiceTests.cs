using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Certificates;
using Confidant.Services.Errors;
using Confidant.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Certificates;

/// <summary>The certificate domain service: the self-sign test mode, the validity rules and the issuance cache.</summary>
public sealed class CertificateServiceTests
{
    private static readonly ConfidantPrincipal Billing = ConfidantPrincipal.ForService("billing");

    [Fact]
    public async Task SelfSignMode_IssuesWithoutCallingAws_TheCertificateIsItsOwnChain()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Certificates:Provider"] = "AcmPca",

            // Nothing listens there: a call to AWS would fail the issuance.
            ["Certificates:AcmPca:ServiceUrl"] = "http://127.0.0.1:1/",
            ["Certificates:AcmPca:Authorities:0:Name"] = "dev",
            ["Certificates:AcmPca:Authorities:0:Arn"] = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/dev",
            ["Certificates:AcmPca:Authorities:0:SelfSign"] = "true",
            ["Certificates:AcmPca:Authorities:0:MaxValidityDays"] = "10",
            ["Certificates:AcmPca:Authorities:0:DomainRegex"] = @"(?P<service_name>[\w-]+)\.svc\.example\.com$",
        });

        var issued = await host.Get<CertificateService>().IssueWithKeyAsync(Billing, "dev", "billing.svc.example.com", ["billing.svc.example.com"], 30);

        using var certificate = X509Certificate2.CreateFromPem(issued.Certificate);
        using var key = RSA.Create();
        key.ImportFromPem(issued.PrivateKey);
        Assert.Equal(issued.Certificate, issued.CertificateChain);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.Equal(TimeSpan.FromDays(10), certificate.NotAfter - certificate.NotBefore);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(["billing.svc.example.com"], CertificateChains.DnsNames(issued.Certificate));
        Assert.Equal(AuditActions.CertificateIssueWithKey, Assert.Single((await host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: "dev/billing.svc.example.com"))).Records.Select(r => r.Entry)).Action);
    }

    [Fact]
    public async Task AllowAllPolicy_BadRequestsAndUnknownCa_StillRefused_NothingRecorded()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Acl:Policy"] = "AllowAll", ["Acl:ConfirmAllowAll"] = "true" });
        var certificates = host.Get<CertificateService>();

        async Task<(ConfidantErrorKind, string)> Refusal(Func<Task> issue)
        {
            var error = await Assert.ThrowsAsync<ConfidantException>(issue);
            return (error.Kind, error.Message);
        }

        Assert.Equal(
            (ConfidantErrorKind.BadRequest, CertificateMessages.BadAlternativeName),
            await Refusal(() => certificates.IssueWithKeyAsync(Billing, "local", "billing", ["bad name"], null)));
        Assert.Equal(
            (ConfidantErrorKind.BadRequest, CertificateMessages.CommonNameTooLong),
            await Refusal(() => certificates.IssueWithKeyAsync(Billing, "local", new string('a', 65), [], null)));
        Assert.Equal(
            (ConfidantErrorKind.BadRequest, CertificateMessages.TooManyAlternativeNames),
            await Refusal(() => certificates.IssueWithKeyAsync(Billing, "local", "billing", [.. Enumerable.Range(0, 101).Select(i => $"n{i}.example.com")], null)));
        Assert.Equal(
            (ConfidantErrorKind.BadRequest, CertificateMessages.ValidityNotPositive),
            await Refusal(() => certificates.IssueWithKeyAsync(Billing, "local", "billing", [], 0)));
        Assert.Equal(
            (ConfidantErrorKind.NotFound, ErrorMessages.CaNotFound),
            await Refusal(() => certificates.IssueFromCsrAsync(Billing, "nope", "not a csr", null)));

        // The policy lets a good request through; only that one is on record.
        await certificates.IssueWithKeyAsync(Billing, "local", "billing", ["billing.example.com"], 5);
        var recorded = (await host.Get<AuditLog>().QueryAsync(new AuditQuery())).Records.Select(r => r.Entry).Where(e => e.ResourceType == AclResources.Certificate);
        Assert.Equal("local/billing", Assert.Single(recorded).ResourceId);
    }

    [Fact]
    public async Task Cache_SameNamesSameDay_OneIssuance_NextDayANewOne()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero));
        var cache = new CertificateIssuanceCache(8, time);
        var issuances = 0;
        Task<IssuedCertificate> Issue() => Task.FromResult(new IssuedCertificate($"certificate {++issuances}", "chain", "key"));

        var first = await cache.GetOrIssueAsync("billing", ["a"], 10, Issue);
        var same = await cache.GetOrIssueAsync("billing", ["a"], 10, Issue);
        var otherSans = await cache.GetOrIssueAsync("billing", ["a", "b"], 10, Issue);
        var otherValidity = await cache.GetOrIssueAsync("billing", ["a"], 11, Issue);
        time.Advance(TimeSpan.FromHours(1));
        var nextDay = await cache.GetOrIssueAsync("billing", ["a"], 10, Issue);

        Assert.Same(first, same);
        Assert.Equal(["certificate 1", "certificate 2", "certificate 3", "certificate 4"], new[] { first, otherSans, otherValidity, nextDay }.Select(i => i.Certificate));
    }

    [Fact]
    public async Task Cache_WhileIssuing_OthersArePending_AFailureLeavesNoEntry()
    {
        var cache = new CertificateIssuanceCache(8, TimeProvider.System);
        using var release = new SemaphoreSlim(0);
        async Task<IssuedCertificate> FailOnceReleased()
        {
            await release.WaitAsync();
            throw new CertificateAuthorityException(transient: true, "down");
        }

        var issuing = Assert.ThrowsAsync<CertificateAuthorityException>(() => cache.GetOrIssueAsync("billing", [], 10, FailOnceReleased));
        await Assert.ThrowsAsync<CertificatePendingException>(() => cache.GetOrIssueAsync("billing", [], 10, () => throw new InvalidOperationException("not called")));
        release.Release();
        await issuing;
        var retried = await cache.GetOrIssueAsync("billing", [], 10, () => Task.FromResult(new IssuedCertificate("again", "chain")));

        Assert.Equal("again", retried.Certificate);
    }
}
