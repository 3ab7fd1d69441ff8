using System.Collections;
using Confidant.Services.Certificates;
using Confidant.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Confidant.Tests.Services.Configuration;

/// <summary>
/// The original's certificate settings (spec §10.8) as they land in <see cref="CertificateOptions"/>, and the AWS
/// SDKs' endpoint name for ACM PCA.
/// </summary>
public sealed class LegacyCertificateVariablesTests
{
    private static CertificateOptions Bind(IDictionary variables) =>
        new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(variables)).Build()
            .GetSection(CertificateOptions.SectionName).Get<CertificateOptions>() ?? new CertificateOptions();

    [Fact]
    public void Load_AcmPrivateCas_EachCaWithItsUpperCasedSettings()
    {
        var options = Bind(new Hashtable
        {
            ["ACM_PRIVATE_CAS"] = "internal, Partner-Ca ,,",
            ["ACM_PRIVATE_CA_ARN_INTERNAL"] = "arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/a",
            ["ACM_PRIVATE_CA_SIGNING_ALGORITHM_INTERNAL"] = "SHA384WITHRSA",
            ["ACM_PRIVATE_CA_TEMPLATE_ARN_INTERNAL"] = "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1",
            ["ACM_PRIVATE_CA_MAX_VALIDITY_DAYS_INTERNAL"] = "30",
            ["ACM_PRIVATE_CA_CSR_COUNTRY_NAME_INTERNAL"] = "US",
            ["ACM_PRIVATE_CA_CSR_STATE_OR_PROVINCE_NAME_INTERNAL"] = "CA",
            ["ACM_PRIVATE_CA_CSR_LOCALITY_NAME_INTERNAL"] = "SF",
            ["ACM_PRIVATE_CA_CSR_ORGANIZATION_NAME_INTERNAL"] = "Example",
            ["ACM_PRIVATE_CA_SELF_SIGN_INTERNAL"] = "no",
            ["ACM_PRIVATE_CA_KEY_SIZE_INTERNAL"] = "4096",
            ["ACM_PRIVATE_CA_KEY_PUBLIC_EXPONENT_SIZE_INTERNAL"] = "65537",
            ["ACM_PRIVATE_CA_CERTIFICATE_USE_CACHE_INTERNAL"] = "True",
            ["ACM_PRIVATE_CA_CERTIFICATE_CACHE_SIZE_INTERNAL"] = "64",
            ["ACM_PRIVATE_CA_DOMAIN_REGEX_INTERNAL"] = @"(?P<service_name>[\w-]+)\.example\.com",
            ["ACM_PRIVATE_CA_ARN_PARTNER-CA"] = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/b",
            ["ACM_PRIVATE_CA_ARN_partner-ca"] = "ignored: the per-CA names are upper-cased",
        });

        Assert.Equal(CertificateProvider.AcmPca, options.ProviderKind);
        Assert.Equal(["internal", "Partner-Ca"], options.AcmPca.Authorities.Select(a => a.Name));
        var internalCa = options.AcmPca.Authorities[0];
        Assert.Equal(
            ("arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/a", "SHA384WITHRSA", "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1", 30),
            (internalCa.Arn, internalCa.SigningAlgorithm, internalCa.TemplateArn, internalCa.MaxValidityDays));
        Assert.Equal(("US", "CA", "SF", "Example"), (internalCa.CsrCountryName, internalCa.CsrStateOrProvinceName, internalCa.CsrLocalityName, internalCa.CsrOrganizationName));
        // The original's bool_env: anything but False/false/0 is true, "no" included.
        Assert.Equal((true, 4096, 65537, true, 64), (internalCa.SelfSign, internalCa.KeySize, internalCa.KeyPublicExponent, internalCa.UseCache, internalCa.CacheSize));
        Assert.Equal(@"(?P<service_name>[\w-]+)\.example\.com", internalCa.DomainRegex);

        // Unset per-CA settings keep the original's defaults.
        var partner = options.AcmPca.Authorities[1];
        Assert.Equal("arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/b", partner.Arn);
        Assert.Equal(("SHA256WITHRSA", "arn:aws:acm-pca:::template/EndEntityCertificate/V1", 120, 2048, false, 1028, null),
            (partner.SigningAlgorithm, partner.TemplateArn, partner.MaxValidityDays, partner.KeySize, partner.UseCache, partner.CacheSize, partner.DomainRegex));
    }

    [Fact]
    public void Load_CustomCa_TheOriginalsSettings()
    {
        var options = Bind(new Hashtable
        {
            ["CA_TYPE"] = "custom_ca",
            ["ACM_PRIVATE_CAS"] = "ignored-name",
            ["CUSTOM_CA_ENCRYPTED"] = "False",
            ["CUSTOM_CERTIFICATE_AUTHORITIES"] = "eyJpbnRlcm5hbCI6IFtdfQ==",
            ["CUSTOM_CA_ACTIVE_KEYS"] = "{\"internal\": \"k2\"}",
            ["CUSTOM_CA_MAX_VALIDITY_DAYS"] = "45",
            ["CUSTOM_CA_DOMAIN_REGEX"] = @"(?P<service_name>\w+)\.internal$",
        });

        Assert.Equal(CertificateProvider.Custom, options.ProviderKind);
        Assert.Equal("eyJpbnRlcm5hbCI6IFtdfQ==", options.Custom.Authorities);
        Assert.Equal("{\"internal\": \"k2\"}", options.Custom.ActiveKeys);
        Assert.Equal((45, @"(?P<service_name>\w+)\.internal$"), (options.Custom.MaxValidityDays, options.Custom.DomainRegex));
    }

    [Theory]
    [InlineData("aws_acm_pca", CertificateProvider.AcmPca)]
    [InlineData("custom_ca", CertificateProvider.Custom)]
    public void Load_CaType_SelectsTheProvider(string caType, CertificateProvider provider) =>
        Assert.Equal(provider, Bind(new Hashtable { ["CA_TYPE"] = caType }).ProviderKind);

    [Theory]
    [InlineData("CA_TYPE", "custom", "CA_TYPE must be aws_acm_pca or custom_ca.")]
    [InlineData("CUSTOM_CA_ACTIVE_KEYS", "[]", "CUSTOM_CA_ACTIVE_KEYS must be a JSON object.")]
    [InlineData("CUSTOM_CA_MAX_VALIDITY_DAYS", "forever", "CUSTOM_CA_MAX_VALIDITY_DAYS must be an integer.")]
    public void Load_BadValue_FailsNamingTheVariable(string name, string value, string message)
    {
        // spec §9.11: the settings comment says "custom", but only custom_ca ever worked.
        var error = Assert.Throws<InvalidOperationException>(() => Bind(new Hashtable { [name] = value }));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Load_AcmValidityNotANumber_FailsNamingThePerCaVariable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(new Hashtable
        {
            ["ACM_PRIVATE_CAS"] = "internal",
            ["ACM_PRIVATE_CA_MAX_VALIDITY_DAYS_INTERNAL"] = "ninety",
        }));

        Assert.Equal("ACM_PRIVATE_CA_MAX_VALIDITY_DAYS_INTERNAL must be an integer.", error.Message);
    }

    [Fact]
    public void AwsEndpointNames_AcmPca_ServiceSpecificBeforeShared()
    {
        static string? Url(Hashtable variables) =>
            new ConfigurationBuilder().Add(new AwsEnvironmentVariables(variables)).Build()["Certificates:AcmPca:ServiceUrl"];

        Assert.Equal("http://localhost:4599", Url(new Hashtable { ["AWS_ENDPOINT_URL"] = "http://localhost:4566", ["AWS_ENDPOINT_URL_ACM_PCA"] = "http://localhost:4599" }));
        Assert.Equal("http://localhost:4566", Url(new Hashtable { ["AWS_ENDPOINT_URL"] = "http://localhost:4566" }));
        Assert.Null(Url(new Hashtable { ["AWS_ENDPOINT_URL_ACM_PCA"] = "http://localhost:4599", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true" }));
    }
}
