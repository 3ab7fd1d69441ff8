using System.Globalization;
using Confidant.Services.Certificates.AcmPca;
using Confidant.Services.Certificates.Custom;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Certificates;

/// <summary>Start-up checks of <c>Certificates</c>; every message names the key.</summary>
internal sealed class CertificateOptionsValidator : IValidateOptions<CertificateOptions>
{
    private const string Section = CertificateOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, CertificateOptions options)
    {
        var failures = new List<string>();
        switch (options.ProviderKind)
        {
            case CertificateProvider.Local:
                Issuance($"{Section}:Local", options.Local, failures);
                if (string.IsNullOrWhiteSpace(options.Local.Path))
                {
                    failures.Add($"{Section}:Local:Path must name the local CA file.");
                }

                break;
            case CertificateProvider.AcmPca:
                AcmPca(options.AcmPca, failures);
                break;
            case CertificateProvider.Custom:
                Issuance($"{Section}:Custom", options.Custom, failures);
                Custom(options.Custom, failures);
                break;
            default:
                failures.Add($"{Section}:Provider must be one of Local, AcmPca, Custom (was '{options.Provider}').");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AcmPca(AcmPcaOptions options, List<string> failures)
    {
        if (!string.IsNullOrEmpty(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            failures.Add($"{Section}:AcmPca:ServiceUrl must be an absolute http(s) URL (was '{options.ServiceUrl}').");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Authorities.Count; i++)
        {
            var authority = options.Authorities[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"{Section}:AcmPca:Authorities:{i}");
            if (authority.Name.Length == 0 || authority.Name.Contains('/', StringComparison.Ordinal) || !names.Add(authority.Name))
            {
                failures.Add($"{key}:Name must be a unique CA name without '/' (was '{authority.Name}').");
            }

            if (AcmPcaClient.RegionOf(authority.Arn) is null)
            {
                failures.Add($"{key}:Arn must be an AWS Private CA ARN, arn:aws:acm-pca:<region>:<account>:certificate-authority/<id> (was '{authority.Arn}').");
            }

            if (string.IsNullOrWhiteSpace(authority.SigningAlgorithm) || string.IsNullOrWhiteSpace(authority.TemplateArn))
            {
                failures.Add($"{key}:SigningAlgorithm and {key}:TemplateArn must be set.");
            }

            Issuance(key, authority, failures);
        }
    }

    private static void Custom(CustomCertificateAuthorityOptions options, List<string> failures)
    {
        try
        {
            foreach (var (_, signer, root) in CustomAuthorityEntries.Load(options))
            {
                signer.Dispose();
                root?.Dispose();
            }
        }
        catch (InvalidOperationException error)
        {
            failures.Add(error.Message);
        }
    }

    private static void Issuance(string key, CertificateIssuanceOptions options, List<string> failures)
    {
        if (options.MaxValidityDays is < 1 or > 36_500)
        {
            failures.Add($"{key}:MaxValidityDays must be between 1 and 36500 (was {options.MaxValidityDays}).");
        }

        if (options.KeySize is < 2048 or > 8192 || options.KeySize % 8 != 0)
        {
            failures.Add($"{key}:KeySize must be a multiple of 8 from 2048 to 8192 (was {options.KeySize}).");
        }

        if (options.KeyPublicExponent != 65537)
        {
            failures.Add($"{key}:KeyPublicExponent must be 65537, the only exponent supported (was {options.KeyPublicExponent}).");
        }

        if (options.CacheSize is < 1 or > 1_000_000)
        {
            failures.Add($"{key}:CacheSize must be between 1 and 1000000 (was {options.CacheSize}).");
        }

        if (options.CsrCountryName is { Length: > 0 } country && !(country.Length == 2 && country.All(char.IsAsciiLetter)))
        {
            failures.Add($"{key}:CsrCountryName must be a two-letter country code (was '{country}').");
        }

        try
        {
            CertificateNameRules.Compile(options.DomainRegex);
        }
        catch (ArgumentException)
        {
            failures.Add($"{key}:DomainRegex is not a valid regular expression.");
        }
    }
}
