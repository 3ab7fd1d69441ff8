namespace Confidant.Services.Certificates;

/// <summary>
/// Configuration section <c>Certificates</c>: which certificate authorities issue certificates (spec §9.11, §10.8
/// <c>CA_TYPE</c>) and how. Exactly one kind is in use, as in the original.
/// </summary>
public sealed class CertificateOptions
{
    public const string SectionName = "Certificates";

    /// <summary>
    /// <c>Local</c> (one CA named <c>local</c>, created on first start), <c>AcmPca</c> (AWS Private CA, the
    /// original's <c>aws_acm_pca</c>) or <c>Custom</c> (CAs given in configuration, <c>custom_ca</c>). Unset:
    /// <c>AcmPca</c> with <c>Kms:Provider=Aws</c>, <c>Local</c> otherwise.
    /// </summary>
    public string Provider { get; set; } = nameof(CertificateProvider.Local);

    /// <summary>The parsed <see cref="Provider"/>, or null when it names no provider.</summary>
    public CertificateProvider? ProviderKind =>
        Enum.TryParse<CertificateProvider>(Provider, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(Provider, out _)
            ? kind
            : null;

    public LocalCertificateAuthorityOptions Local { get; set; } = new();

    public AcmPcaOptions AcmPca { get; set; } = new();

    public CustomCertificateAuthorityOptions Custom { get; set; } = new();
}

public enum CertificateProvider
{
    Local,
    AcmPca,
    Custom,
}

/// <summary>How certificates are issued by one CA (the per-CA settings of spec §10.8).</summary>
public class CertificateIssuanceOptions
{
    /// <summary>The validity clamp, and the validity when a request names none (days).</summary>
    public int MaxValidityDays { get; set; } = 120;

    /// <summary>
    /// The service ACL pattern (spec §3.3): Python or .NET syntax with a <c>service_name</c> group, matched at the start
    /// of the common name and of every subject alternative name. Unset: no service gets a certificate from this CA.
    /// </summary>
    public string? DomainRegex { get; set; }

    /// <summary>RSA key size of keys generated for <c>GET /v1/certificates/&lt;ca&gt;/&lt;cn&gt;</c>.</summary>
    public int KeySize { get; set; } = 2048;

    /// <summary>Public exponent of generated keys; only 65537 is supported.</summary>
    public int KeyPublicExponent { get; set; } = 65537;

    /// <summary>Subject attributes of server-generated signing requests, besides the common name.</summary>
    public string? CsrCountryName { get; set; }

    public string? CsrStateOrProvinceName { get; set; }

    public string? CsrLocalityName { get; set; }

    public string? CsrOrganizationName { get; set; }

    /// <summary>Reuse a certificate issued today for the same name, SANs and validity (spec §4.7 issuance cache).</summary>
    public bool UseCache { get; set; }

    public int CacheSize { get; set; } = 1028;
}

/// <summary>The embedded CA named <c>local</c>.</summary>
public sealed class LocalCertificateAuthorityOptions : CertificateIssuanceOptions
{
    public const string Name = "local";

    /// <summary>
    /// The CA file: its certificate, and its private key encrypted by the key service (never in clear). Relative
    /// paths resolve against the content root. Instances that must share one CA share this file.
    /// </summary>
    public string Path { get; set; } = "App_Data/confidant.local-ca.json";

    /// <summary>The key that encrypts the CA's private key; unset, the at-rest key (<c>Kms:MasterKeyId</c>).</summary>
    public string? KeyId { get; set; }
}

/// <summary>AWS Private CA (spec §10.8 <c>ACM_PRIVATE_CAS</c>, <c>ACM_PRIVATE_CA_*_&lt;X&gt;</c>).</summary>
public sealed class AcmPcaOptions
{
    /// <summary>Endpoint override (e.g. a local AWS emulator); unset, the regional endpoint of each CA's ARN.</summary>
    public string? ServiceUrl { get; set; }

    public List<AcmPcaAuthorityOptions> Authorities { get; set; } = [];
}

/// <summary>One AWS Private CA, known to clients by <see cref="Name"/>.</summary>
public sealed class AcmPcaAuthorityOptions : CertificateIssuanceOptions
{
    public string Name { get; set; } = string.Empty;

    /// <summary>The CA's ARN; its region is the region the calls go to.</summary>
    public string Arn { get; set; } = string.Empty;

    public string SigningAlgorithm { get; set; } = "SHA256WITHRSA";

    public string TemplateArn { get; set; } = "arn:aws:acm-pca:::template/EndEntityCertificate/V1";

    /// <summary>Test mode: <c>GET</c> issuance answers self-signed certificates without calling AWS.</summary>
    public bool SelfSign { get; set; }
}

/// <summary>CAs whose keys are given in configuration (spec §9.11 <c>CUSTOM_CERTIFICATE_AUTHORITIES</c>).</summary>
public sealed class CustomCertificateAuthorityOptions : CertificateIssuanceOptions
{
    /// <summary>
    /// JSON <c>{"&lt;ca&gt;": [{"crt", "key", "rootcrt", "passphrase", "kid"}]}</c>, as JSON text or base64 of it
    /// (the original's form). Entries missing a field are ignored, as in the original.
    /// </summary>
    public string? Authorities { get; set; }

    /// <summary>JSON <c>{"&lt;ca&gt;": "&lt;kid&gt;"}</c>: the entry each CA signs with.</summary>
    public string? ActiveKeys { get; set; }
}
