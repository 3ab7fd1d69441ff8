using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Confidant.Services.Aws;

/// <summary>
/// One POST to an AWS API that has no SDK package in our registry (IAM's query API, ACM Private CA's JSON API),
/// signed with AWSSDK.Core's own SigV4 signer. The caller reads the response; nothing here knows a service's shapes.
/// </summary>
internal static class SignedAwsRequest
{
    /// <summary>
    /// Signs and sends <paramref name="body"/>. <paramref name="headers"/> (for example <c>X-Amz-Target</c>) are
    /// signed along with the body, so a proxy cannot redirect the call to another operation.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(
        HttpClient http,
        AWSCredentials credentials,
        string service,
        string region,
        Uri url,
        byte[] body,
        string contentType,
        DateTimeOffset signedAt,
        IReadOnlyDictionary<string, string>? headers,
        CancellationToken cancellationToken)
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = url, Content = body };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            signing.Headers[name] = value;
        }

        var signature = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = RegionEndpoint.GetBySystemName(region),
                Service = service,
                SignedAt = signedAt.UtcDateTime,
            },
            cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in (headers ?? new Dictionary<string, string>()).Concat(signature.Headers))
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request, cancellationToken);
    }
}
