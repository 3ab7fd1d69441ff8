using Confidant.Services.Certificates;
using Confidant.Tests.Support;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Certificates;

/// <summary>Start-up checks of <c>Certificates</c>: each bad value stops the start with a message naming its key.</summary>
public sealed class CertificateOptionsValidatorTests
{
    private const string Arn = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/abc";

    private static string Failures(CertificateOptions options) =>
        string.Join("\n", new CertificateOptionsValidator().Validate(null, options).Failures ?? []);

    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.Equal(string.Empty, Failures(new CertificateOptions()));

    [Theory]
    [InlineData("Acm")]
    [InlineData("1")]
    [InlineData("")]
    public void Validate_UnknownProvider_NamesTheKey(string provider) =>
        Assert.Contains("Certificates:Provider must be one of Local, AcmPca, Custom", Failures(new CertificateOptions { Provider = provider }), StringComparison.Ordinal);

    [Fact]
    public void Validate_BadLocalIssuance_EachNamed()
    {
        var failures = Failures(new CertificateOptions
        {
            Local = { MaxValidityDays = 0, KeySize = 1024, KeyPublicExponent = 3, CacheSize = 0, CsrCountryName = "USA", DomainRegex = "(?P<service_name>", Path = " " },
        });

        foreach (var key in new[] { "MaxValidityDays", "KeySize", "KeyPublicExponent", "CacheSize", "CsrCountryName", "DomainRegex", "Path" })
        {
            Assert.Contains($"Certificates:Local:{key}", failures, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_AcmAuthorities_NamesArnsAndEndpoint()
    {
        var failures = Failures(new CertificateOptions
        {
            Provider = "AcmPca",
            AcmPca =
            {
                ServiceUrl = "ftp://example.com",
                Authorities =
                [
                    new AcmPcaAuthorityOptions { Name = "internal", Arn = Arn },
                    new AcmPcaAuthorityOptions { Name = "internal", Arn = Arn },
                    new AcmPcaAuthorityOptions { Name = "a/b", Arn = "arn:aws:kms:us-east-1:123456789012:key/x", KeySize = 2049 },
                ],
            },
        });

        Assert.Contains("Certificates:AcmPca:ServiceUrl must be an absolute http(s) URL", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorities:0", failures, StringComparison.Ordinal);
        Assert.Contains("Certificates:AcmPca:Authorities:1:Name must be a unique CA name", failures, StringComparison.Ordinal);
        Assert.Contains("Certificates:AcmPca:Authorities:2:Name", failures, StringComparison.Ordinal);
        Assert.Contains("Certificates:AcmPca:Authorities:2:Arn must be an AWS Private CA ARN", failures, StringComparison.Ordinal);
        Assert.Contains("Certificates:AcmPca:Authorities:2:KeySize", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadSetting_StopsTheHostNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Certificates:Local:DomainRegex"] = "([unclosed",
        }));

        Assert.Contains("Certificates:Local:DomainRegex is not a valid regular expression.", error.Message, StringComparison.Ordinal);
    }
}
