using System.Net;
using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// How an issued certificate and key leave the server (spec §4.7): the issuance cache and its 429 while the same
/// certificate is being issued, and no delivery without its audit record. On the local CA, whose signing waits for
/// the key service, so a test can hold an issuance in progress.
/// </summary>
public sealed class CertificateDeliveryTests : IAsyncLifetime
{
    private const string Path = "/v1/certificates/local/billing.svc.example.com?validity=10";

    private readonly GatedCaKeys _keys = new();
    private FailingAuditAppends.Switch _audit = null!;
    private ApiTestHost _host = null!;
    private HttpClient _billing = null!;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create(
            new Dictionary<string, string?>
            {
                ["Certificates:Local:DomainRegex"] = @"(?P<service_name>[\w-]+)\.svc\.example\.com$",
                ["Certificates:Local:UseCache"] = "true",
            },
            configureServices: services =>
            {
                _keys.Decorate(services);
                _audit = FailingAuditAppends.DecorateSwitchable(services);
            });
        _billing = await _host.ServiceClientAsync("billing");
    }

    public async Task DisposeAsync()
    {
        _keys.Release();
        _billing.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task GetCertificate_SameCertificateBeingIssued_429ThenTheCachedCertificateAndKey()
    {
        _keys.Hold();
        var first = _billing.GetWireAsync(Path);
        await _keys.Held.WaitAsync(TimeSpan.FromSeconds(30));

        var pending = await _billing.GetWireAsync(Path);
        _keys.Release();
        var issued = (await first).AssertSchema();
        var again = (await _billing.GetWireAsync(Path)).AssertSchema();
        var otherName = (await _billing.GetWireAsync("/v1/certificates/local/billing.svc.example.com?validity=11")).AssertSchema();

        Assert.Equal((HttpStatusCode)429, pending.Status);
        Assert.Equal("\"Certificate being requested, please wait and try again.\"\n", pending.Body);
        Assert.Equal("application/json", pending.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(2), pending.Response.Headers.RetryAfter?.Delta);
        Assert.Equal(issued.GetRawText(), again.GetRawText());
        Assert.NotEqual(issued.GetProperty("key").GetString(), otherName.GetProperty("key").GetString());

        // Each hand-out of the key is on record, the cached one too; the 429 handed out nothing.
        var events = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(Actor: "billing"))).Records.Select(r => r.Entry);
        Assert.Equal(3, events.Count(e => e.Action == AuditActions.CertificateIssueWithKey));
    }

    [Fact]
    public async Task GetCertificate_IssuanceFails_NextRequestIssuesAfresh()
    {
        _keys.FailNext();

        var failed = await _billing.GetWireAsync(Path);
        var retried = await _billing.GetWireAsync(Path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        retried.AssertSchema();
    }

    [Fact]
    public async Task Issuance_AuditRecordCannotBeStored_NothingHandedOut()
    {
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com", "billing.svc.example.com");
        key.Dispose();
        _audit.Failing = true;

        var withKey = await _billing.GetWireAsync(Path);
        var fromCsr = await _billing.PostWireAsync("/v1/certificates/local", System.Text.Json.JsonSerializer.Serialize(new { csr }));

        foreach (var response in new[] { withKey, fromCsr })
        {
            Assert.Equal(503, (int)response.Status);
            Assert.Contains(AuditUnavailableException.DefaultMessage, response.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", response.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("BEGIN CERTIFICATE", response.Body, StringComparison.Ordinal);
        }
    }

    /// <summary>The key service, with decryption of the local CA's key held or failed on demand.</summary>
    private sealed class GatedCaKeys
    {
        private TaskCompletionSource _gate = Open();
        private volatile bool _failNext;

        public SemaphoreSlim Held { get; } = new(0);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public void FailNext() => _failNext = true;

        public void Decorate(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IKeyService));
            services.Remove(original);
            services.AddSingleton<IKeyService>(sp => new Gated((IKeyService)original.ImplementationFactory!(sp), this));
        }

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource();
            open.SetResult();
            return open;
        }

        private sealed class Gated(IKeyService inner, GatedCaKeys owner) : IKeyService
        {
            public async Task<KmsDecryptResult> DecryptAsync(
                ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default)
            {
                if (encryptionContext.TryGetValue("type", out var type) && type == "certificate-authority")
                {
                    if (owner._failNext)
                    {
                        owner._failNext = false;
                        throw new KeyServiceException(KeyServiceError.Unavailable, "The key service is down.");
                    }

                    owner.Held.Release();
                    await owner._gate.Task.WaitAsync(cancellationToken);
                }

                return await inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken);
            }

            public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default) =>
                inner.GenerateRandomAsync(numberOfBytes, cancellationToken);

            public Task<KmsEncryptResult> EncryptAsync(
                string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default) =>
                inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken);

            public Task<KmsReEncryptResult> ReEncryptAsync(
                ReadOnlyMemory<byte> ciphertext,
                IReadOnlyDictionary<string, string> sourceEncryptionContext,
                string destinationKeyId,
                IReadOnlyDictionary<string, string> destinationEncryptionContext,
                CancellationToken cancellationToken = default) =>
                inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken);

            public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
                inner.DescribeKeyAsync(keyId, cancellationToken);

            public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
                inner.GenerateMacAsync(keyId, message, cancellationToken);

            public Task<bool> VerifyMacAsync(string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default) =>
                inner.VerifyMacAsync(keyId, message, mac, cancellationToken);
        }
    }
}
