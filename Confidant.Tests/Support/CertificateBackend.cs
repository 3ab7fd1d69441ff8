namespace Confidant.Tests.Support;

/// <summary>
/// Which CA an <see cref="ApiTestHost"/> issues from: the embedded local CA, or an AWS Private CA in moto's acm-pca
/// reached only through settings (the endpoint as <c>AWS_ENDPOINT_URL_ACM_PCA</c> would set it). The certificate
/// route tests are written once and run on each (see <c>Web/Api/EndpointsTestsByBackend.cs</c>).
/// </summary>
public abstract class CertificateBackend
{
    public static CertificateBackend Local { get; } = new LocalCa();

    public static CertificateBackend AcmPca(MotoServerFixture moto) => new AcmPcaCa(moto);

    /// <summary>The name clients use for the CA.</summary>
    public abstract string CaName { get; }

    /// <summary>Whether the CA honours the requested validity (moto's acm-pca always issues for a year).</summary>
    public abstract bool HonoursValidity { get; }

    /// <summary>Settings for one CA with the service ACL pattern <paramref name="domainRegex"/>.</summary>
    public abstract Task<Dictionary<string, string?>> SettingsAsync(string domainRegex, bool useCache = false);

    private sealed class LocalCa : CertificateBackend
    {
        public override string CaName => "local";

        public override bool HonoursValidity => true;

        public override Task<Dictionary<string, string?>> SettingsAsync(string domainRegex, bool useCache = false) =>
            Task.FromResult(new Dictionary<string, string?>
            {
                ["Certificates:Provider"] = "Local",
                ["Certificates:Local:DomainRegex"] = domainRegex,
                ["Certificates:Local:UseCache"] = useCache ? "true" : "false",
            });
    }

    private sealed class AcmPcaCa(MotoServerFixture moto) : CertificateBackend
    {
        public override string CaName => "acm-test";

        public override bool HonoursValidity => false;

        public override async Task<Dictionary<string, string?>> SettingsAsync(string domainRegex, bool useCache = false)
        {
            MotoServerFixture.ProvideDefaultCredentials();
            var (arn, _) = await moto.CreateCertificateAuthorityAsync("Route Tests Root", new Dictionary<string, string> { ["env"] = "test" });
            return new Dictionary<string, string?>
            {
                ["Certificates:Provider"] = "AcmPca",
                ["Certificates:AcmPca:ServiceUrl"] = moto.ServiceUrl,
                ["Certificates:AcmPca:Authorities:0:Name"] = CaName,
                ["Certificates:AcmPca:Authorities:0:Arn"] = arn,
                ["Certificates:AcmPca:Authorities:0:DomainRegex"] = domainRegex,
                ["Certificates:AcmPca:Authorities:0:UseCache"] = useCache ? "true" : "false",
            };
        }
    }
}
