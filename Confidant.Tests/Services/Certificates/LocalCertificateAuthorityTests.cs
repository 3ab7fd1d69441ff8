using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Confidant.Services.Certificates;
using Confidant.Services.Certificates.Local;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Tests.Services.Certificates;

/// <summary>
/// The embedded CA named <c>local</c>: made on first start, the same CA on every later start, its private key only
/// ever on disk as key-service ciphertext bound to its context.
/// </summary>
public sealed class LocalCertificateAuthorityTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string CaFile => Path.Combine(_host.DataDirectory, "App_Data", "confidant.local-ca.json");

    [Fact]
    public async Task FirstStart_CreatesAnEcdsaRootWhoseKeyIsNeverInClearOnDisk()
    {
        // The domain host's start ran the start-up creation: the file is there before any request.
        Assert.True(File.Exists(CaFile));
        var authority = (LocalCertificateAuthority)_host.Get<CertificateAuthorities>().Find("local")!;
        var file = await authority.EnsureCreatedAsync();
        using var certificate = file.LoadCertificate();
        var text = await File.ReadAllTextAsync(CaFile);

        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.True(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single() is { CertificateAuthority: true, HasPathLengthConstraint: true, PathLengthConstraint: 0, Critical: true });
        Assert.NotNull(certificate.GetECDsaPublicKey());
        Assert.Equal(LocalCertificateAuthority.Lifetime, certificate.NotAfter - certificate.NotBefore);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.Equal(["certificate", "encrypted_key", "key_arn", "version"], JsonDocument.Parse(text).RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CaFile));
        }

        // The ciphertext opens only with its own context, and what it holds is the key of the CA's certificate.
        var keys = _host.Get<IKeyService>();
        var ciphertext = Convert.FromBase64String(file.EncryptedKey);
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => keys.DecryptAsync(ciphertext, new Dictionary<string, string> { ["type"] = "bootstrap" }));
        Assert.Equal(KeyServiceError.InvalidCiphertext, error.Error);
        var pkcs8 = (await keys.DecryptAsync(ciphertext, new Dictionary<string, string> { ["type"] = "certificate-authority", ["ca"] = "local" })).Plaintext;
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.DoesNotContain(Convert.ToBase64String(pkcs8), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaterStart_SameFile_SameCa()
    {
        var first = await File.ReadAllTextAsync(CaFile);
        var authority = new LocalCertificateAuthority(
            new LocalCertificateAuthorityOptions(), CaFile, "alias/confidant-at-rest", _host.Get<IKeyService>(), _host.Time,
            NullLogger<LocalCertificateAuthority>.Instance);

        var described = await authority.DescribeAsync();
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com", "billing.svc.example.com");
        using (key)
        {
            var issued = await authority.IssueAsync(SigningRequest.Parse(csr), 10);

            Assert.Equal(first, await File.ReadAllTextAsync(CaFile));
            Assert.Equal(described.Certificate, JsonDocument.Parse(first).RootElement.GetProperty("certificate").GetString());
            Assert.Empty(CertificateChains.Problems(issued.Certificate, issued.CertificateChain, described.Certificate));
        }
    }

    [Fact]
    public async Task Issue_EndEntityExtensionsOfTheOriginalsCustomCa_ClampedToTheRootsLifetime()
    {
        var authority = _host.Get<CertificateAuthorities>().Find("local")!;
        var (key, csr) = CertificateChains.ClientRequest("billing.svc.example.com", "billing.svc.example.com");
        key.Dispose();
        _host.Time.Advance(LocalCertificateAuthority.Lifetime - TimeSpan.FromDays(3));

        var issued = await authority.IssueAsync(SigningRequest.Parse(csr), 120);

        using var certificate = X509Certificate2.CreateFromPem(issued.Certificate);
        using var root = X509Certificate2.CreateFromPem(issued.CertificateChain);
        Assert.Equal(root.NotAfter, certificate.NotAfter);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        Assert.Equal(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier,
            Convert.ToHexString(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span));
        Assert.Empty(CertificateChains.Problems(issued.Certificate, issued.CertificateChain, issued.CertificateChain));
    }

    [Fact]
    public async Task Start_KeyServiceDown_StartsAnywayAndCreatesTheCaOnFirstUse()
    {
        var directory = Directory.CreateTempSubdirectory("confidant-local-ca-");
        try
        {
            var path = Path.Combine(directory.FullName, "ca.json");
            var keys = new SwitchableKeys(_host.Get<IKeyService>()) { Down = true };
            var authority = new LocalCertificateAuthority(
                new LocalCertificateAuthorityOptions(), path, "alias/confidant-at-rest", keys, _host.Time, NullLogger<LocalCertificateAuthority>.Instance);
            var startup = new LocalCertificateAuthorityStartup(new CertificateAuthorities([authority], _host.Time), NullLogger<LocalCertificateAuthorityStartup>.Instance);

            await startup.StartAsync(CancellationToken.None);
            Assert.False(File.Exists(path));
            keys.Down = false;
            await authority.DescribeAsync();

            Assert.True(File.Exists(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Create_TwoInstancesAtOnce_EndWithOneCa()
    {
        var directory = Directory.CreateTempSubdirectory("confidant-local-ca-");
        try
        {
            var path = Path.Combine(directory.FullName, "ca.json");
            var authorities = Enumerable.Range(0, 4).Select(_ => new LocalCertificateAuthority(
                new LocalCertificateAuthorityOptions(), path, "alias/confidant-at-rest", _host.Get<IKeyService>(), _host.Time,
                NullLogger<LocalCertificateAuthority>.Instance)).ToList();

            var described = await Task.WhenAll(authorities.Select(a => Task.Run(() => a.DescribeAsync())));

            Assert.Single(described.Select(d => d.Certificate).Distinct());
            Assert.Equal(["ca.json"], directory.GetFiles().Select(f => f.Name));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Read_DamagedFile_RefusedNamingTheFile()
    {
        await File.WriteAllTextAsync(CaFile, "{\"version\": 2}");
        var authority = new LocalCertificateAuthority(
            new LocalCertificateAuthorityOptions(), CaFile, "alias/confidant-at-rest", _host.Get<IKeyService>(), _host.Time,
            NullLogger<LocalCertificateAuthority>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => authority.DescribeAsync());

        Assert.Contains(CaFile, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The real key service, made unreachable on demand.</summary>
    private sealed class SwitchableKeys(IKeyService inner) : IKeyService
    {
        public bool Down { get; set; }

        public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.GenerateRandomAsync(numberOfBytes, cancellationToken);

        public Task<KmsEncryptResult> EncryptAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken);

        public Task<KmsDecryptResult> DecryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken);

        public Task<KmsReEncryptResult> ReEncryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> sourceEncryptionContext, string destinationKeyId, IReadOnlyDictionary<string, string> destinationEncryptionContext, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken);

        public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.DescribeKeyAsync(keyId, cancellationToken);

        public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.GenerateMacAsync(keyId, message, cancellationToken);

        public Task<bool> VerifyMacAsync(string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default) =>
            Down ? throw Unavailable() : inner.VerifyMacAsync(keyId, message, mac, cancellationToken);

        private static KeyServiceException Unavailable() => new(KeyServiceError.Unavailable, "down");
    }
}
