using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confidant.Services.Kms;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Certificates.Local;

/// <summary>
/// The embedded CA named <c>local</c>: an ECDSA P-256 root made on first start, whose private key is kept encrypted
/// by the key service (under <see cref="LocalCertificateAuthorityOptions.KeyId"/> or the at-rest key, bound to the
/// context <c>{"type": "certificate-authority", "ca": "local"}</c>) and decrypted only for the moment of a signature.
/// </summary>
internal sealed partial class LocalCertificateAuthority(
    LocalCertificateAuthorityOptions options,
    string path,
    string keyId,
    IKeyService keys,
    TimeProvider time,
    ILogger<LocalCertificateAuthority> logger) : ICertificateAuthority, IDisposable
{
    /// <summary>The root is valid this long; issued certificates never outlive it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    private static readonly Dictionary<string, string> Context = new(StringComparer.Ordinal)
    {
        ["type"] = "certificate-authority",
        ["ca"] = LocalCertificateAuthorityOptions.Name,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private LocalCertificateAuthorityFile? _file;

    public string Name => LocalCertificateAuthorityOptions.Name;

    public CertificateIssuanceOptions Issuance => options;

    /// <summary>Loads the CA, creating it when there is none yet.</summary>
    public async Task<LocalCertificateAuthorityFile> EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _file) is { } loaded)
        {
            return loaded;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _file ??= LocalCertificateAuthorityFile.Read(path) ?? (await CreateAsync(cancellationToken)).CreateOrRead(path);
            return _file;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IssuedCertificate> IssueAsync(SigningRequest request, int validityDays, CancellationToken cancellationToken = default)
    {
        var file = await EnsureCreatedAsync(cancellationToken);
        var pkcs8 = (await keys.DecryptAsync(Convert.FromBase64String(file.EncryptedKey), Context, cancellationToken)).Plaintext;
        try
        {
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            using var certificate = file.LoadCertificate();
            using var issuer = certificate.CopyWithPrivateKey(key);
            return new IssuedCertificate(EndEntitySigner.Sign(request, issuer, time.GetUtcNow(), validityDays), file.Certificate);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public async Task<AuthorityCertificate> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var file = await EnsureCreatedAsync(cancellationToken);

        // A root is its own chain, as the original's configured CAs report theirs (certificate + root).
        return new AuthorityCertificate(Name, file.Certificate, file.Certificate, new Dictionary<string, string>());
    }

    public void Dispose() => _gate.Dispose();

    private async Task<LocalCertificateAuthorityFile> CreateAsync(CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"Confidant local CA {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        subject.AddOrganizationName("Confidant");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        var notBefore = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore + Lifetime);

        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            var encrypted = await keys.EncryptAsync(keyId, pkcs8, Context, cancellationToken);
            LogCreated(logger, path, certificate.Subject, encrypted.KeyArn);
            return new LocalCertificateAuthorityFile(
                LocalCertificateAuthorityFile.CurrentVersion,
                EndEntitySigner.Pem(certificate),
                Convert.ToBase64String(encrypted.Ciphertext),
                encrypted.KeyArn);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local CA created in {Path}: {Subject}, key encrypted under {KeyArn}")]
    private static partial void LogCreated(ILogger logger, string path, string subject, string keyArn);
}
