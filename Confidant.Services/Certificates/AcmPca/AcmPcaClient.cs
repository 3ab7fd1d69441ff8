using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Confidant.Services.Aws;

namespace Confidant.Services.Certificates.AcmPca;

/// <summary>
/// The calls Confidant makes to AWS Private CA, over its JSON API (<c>X-Amz-Target: ACMPrivateCA.&lt;Operation&gt;</c>)
/// signed with SigV4: there is no ACM PCA package in our registry. Each call goes to the region of the CA's ARN.
/// Failures become <see cref="CertificateAuthorityException"/>: throttling, 5xx and network errors are transient.
/// Credentials are resolved at the first call, as the AWS SDKs do: a CA in self-sign test mode never calls AWS and
/// needs none, and a start without credentials fails the calls, not the host.
/// </summary>
internal sealed class AcmPcaClient(
    HttpClient http,
    Func<AWSCredentials> resolveCredentials,
    string? serviceUrl,
    TimeProvider time,
    int pollAttempts = 50,
    TimeSpan? pollInterval = null)
{
    private static readonly HashSet<string> TransientErrors = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "TooManyRequestsException", "RequestFailedException", "ServiceUnavailableException",
        "InternalFailure", "InternalServerError",
    };

    // PublicationOnly: a failed resolution is not kept, so the next call tries again.
    private readonly Lazy<AWSCredentials> _credentials = new(resolveCredentials, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>IssueCertificate (spec §4.7): returns the new certificate's ARN.</summary>
    public async Task<string> IssueCertificateAsync(
        string caArn, string csrPem, string signingAlgorithm, string templateArn, int validityDays, CancellationToken cancellationToken)
    {
        var csr = Encoding.UTF8.GetBytes(csrPem);
        var response = await CallAsync("IssueCertificate", caArn, new JsonObject
        {
            ["CertificateAuthorityArn"] = caArn,
            ["Csr"] = Convert.ToBase64String(csr),
            ["SigningAlgorithm"] = signingAlgorithm,
            ["TemplateArn"] = templateArn,
            ["Validity"] = new JsonObject { ["Value"] = validityDays, ["Type"] = "DAYS" },

            // The original's token: the same request within a few minutes is answered with the same certificate.
            ["IdempotencyToken"] = Convert.ToHexStringLower(SHA256.HashData(csr))[..36],
        }, cancellationToken);
        return response!.Value.GetProperty("CertificateArn").GetString()!;
    }

    /// <summary>
    /// GetCertificate, asked again every 200 ms (50 times at most) while AWS answers that issuance is in progress,
    /// as the original did.
    /// </summary>
    public async Task<(string Certificate, string? Chain)> GetCertificateAsync(string caArn, string certificateArn, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await CallAsync(
                "GetCertificate", caArn, new JsonObject { ["CertificateAuthorityArn"] = caArn, ["CertificateArn"] = certificateArn },
                cancellationToken, inProgressIsNull: true);
            if (response is { } issued)
            {
                return (issued.GetProperty("Certificate").GetString()!, OptionalString(issued, "CertificateChain"));
            }

            if (attempt >= pollAttempts)
            {
                throw new CertificateAuthorityException(transient: true, "AWS Private CA is still issuing the certificate.");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }

    public async Task<(string Certificate, string? Chain)> GetCertificateAuthorityCertificateAsync(string caArn, CancellationToken cancellationToken)
    {
        var response = (await CallAsync("GetCertificateAuthorityCertificate", caArn, new JsonObject { ["CertificateAuthorityArn"] = caArn }, cancellationToken))!.Value;
        return (response.GetProperty("Certificate").GetString()!, OptionalString(response, "CertificateChain"));
    }

    /// <summary>The CA's tags: the first page only, as the original read them (spec §4.7).</summary>
    public async Task<Dictionary<string, string>> ListTagsAsync(string caArn, CancellationToken cancellationToken)
    {
        var response = (await CallAsync("ListTags", caArn, new JsonObject { ["CertificateAuthorityArn"] = caArn }, cancellationToken))!.Value;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response.TryGetProperty("Tags", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in list.EnumerateArray())
            {
                tags[tag.GetProperty("Key").GetString()!] = OptionalString(tag, "Value") ?? string.Empty;
            }
        }

        return tags;
    }

    /// <summary>The region part of a CA ARN (<c>arn:aws:acm-pca:&lt;region&gt;:&lt;account&gt;:certificate-authority/&lt;id&gt;</c>).</summary>
    public static string? RegionOf(string arn) =>
        arn.Split(':') is ["arn", { Length: > 0 }, "acm-pca", { Length: > 0 } region, _, var resource]
            && resource.StartsWith("certificate-authority/", StringComparison.Ordinal)
            ? region
            : null;

    /// <summary>One call; null when <paramref name="inProgressIsNull"/> and AWS answers RequestInProgressException.</summary>
    private async Task<JsonElement?> CallAsync(
        string operation, string caArn, JsonObject body, CancellationToken cancellationToken, bool inProgressIsNull = false)
    {
        var region = RegionOf(caArn) ?? throw new CertificateAuthorityException(false, $"'{caArn}' is not an AWS Private CA ARN.");
        var url = new Uri(serviceUrl ?? $"https://acm-pca.{region}.amazonaws.com{(region.StartsWith("cn-", StringComparison.Ordinal) ? ".cn" : string.Empty)}/");
        AWSCredentials credentials;
        try
        {
            credentials = _credentials.Value;
        }
        catch (AmazonClientException error)
        {
            throw new CertificateAuthorityException(transient: true, $"No AWS credentials were found for {operation}.", error);
        }

        HttpResponseMessage response;
        try
        {
            response = await SignedAwsRequest.PostAsync(
                http, credentials, "acm-pca", region, url, Encoding.UTF8.GetBytes(body.ToJsonString()),
                "application/x-amz-json-1.1", time.GetUtcNow(),
                new Dictionary<string, string> { ["X-Amz-Target"] = "ACMPrivateCA." + operation },
                cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CertificateAuthorityException(transient: true, $"AWS Private CA could not be reached for {operation}.", error);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
                return document.RootElement.Clone();
            }

            var type = ErrorType(text);
            if (inProgressIsNull && type == "RequestInProgressException")
            {
                return null;
            }

            var transient = TransientErrors.Contains(type) || (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
            throw new CertificateAuthorityException(transient, $"AWS Private CA answered {(int)response.StatusCode} {type} to {operation}.");
        }
    }

    /// <summary>The error name of a JSON error body: <c>__type</c> without its namespace (<c>com.amazon…#Name</c>).</summary>
    private static string ErrorType(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var type = OptionalString(document.RootElement, "__type") ?? "UnknownError";
            return type[(type.LastIndexOf('#') + 1)..];
        }
        catch (JsonException)
        {
            return "UnknownError";
        }
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
