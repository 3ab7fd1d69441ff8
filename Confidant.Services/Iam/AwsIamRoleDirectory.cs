using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Confidant.Services.Aws;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Iam;

/// <summary>
/// IAM roles from AWS (spec §4.5 ListRoles, §8.4 GetRole) over the IAM query API. The role list is cached for
/// <see cref="IamOptions.RoleCacheSeconds"/>; a role ARN is looked up on demand. There is no IAM package in our
/// registry, so the two calls are plain HTTP (<see cref="SignedAwsRequest"/>).
/// </summary>
internal sealed class AwsIamRoleDirectory(
    HttpClient http,
    AWSCredentials credentials,
    IOptions<IamOptions> options,
    TimeProvider time) : IRoleDirectory, IDisposable
{
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (DateTimeOffset Until, IReadOnlyList<string> Names)? _cached;

    public async Task<IReadOnlyList<string>> ListRoleNamesAsync(CancellationToken cancellationToken = default)
    {
        if (_cached is { } hit && hit.Until > time.GetUtcNow())
        {
            return hit.Names;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && again.Until > time.GetUtcNow())
            {
                return again.Names;
            }

            var names = new List<string>();
            string? marker = null;
            do
            {
                var form = "Action=ListRoles&Version=2010-05-08&MaxItems=1000" + (marker is null ? string.Empty : "&Marker=" + Uri.EscapeDataString(marker));
                var result = (await CallAsync(form, cancellationToken))!.Descendants(Iam + "ListRolesResult").Single();
                names.AddRange(result.Descendants(Iam + "RoleName").Select(e => e.Value));
                marker = result.Element(Iam + "IsTruncated")?.Value == "true" ? result.Element(Iam + "Marker")?.Value : null;
            }
            while (marker is not null);

            names.Sort(StringComparer.Ordinal);
            _cached = (time.GetUtcNow().AddSeconds(options.Value.RoleCacheSeconds), names);
            return names;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public async Task<string?> GetRoleArnAsync(string roleName, CancellationToken cancellationToken = default)
    {
        var document = await CallAsync("Action=GetRole&Version=2010-05-08&RoleName=" + Uri.EscapeDataString(roleName), cancellationToken, notFoundIsNull: true);
        return document?.Descendants(Iam + "Role").Select(r => r.Element(Iam + "Arn")?.Value).FirstOrDefault();
    }

    public void Dispose() => _refresh.Dispose();

    private async Task<XDocument?> CallAsync(string form, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        var settings = options.Value;
        using var response = await SignedAwsRequest.PostAsync(
            http,
            credentials,
            "iam",
            settings.Region,
            new Uri(settings.ServiceUrl ?? "https://iam.amazonaws.com/"),
            Encoding.UTF8.GetBytes(form),
            "application/x-www-form-urlencoded; charset=utf-8",
            time.GetUtcNow(),
            headers: null,
            cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new Kms.KeyServiceException(
                response.StatusCode is HttpStatusCode.Forbidden ? Kms.KeyServiceError.AccessDenied : Kms.KeyServiceError.Unavailable,
                $"IAM answered {(int)response.StatusCode} to {form.Split('&')[0]}.");
        }

        return XDocument.Parse(text);
    }
}
