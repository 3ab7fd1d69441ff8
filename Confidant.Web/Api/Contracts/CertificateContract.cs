using System.Text.Json.Nodes;
using Confidant.Services.Certificates;

namespace Confidant.Web.Api.Contracts;

/// <summary>Certificate and CA objects of spec §4.7 (style S).</summary>
public static class CertificateContract
{
    /// <summary>An issued certificate; <c>key</c> only when the server made the key (GET), never for a CSR (POST).</summary>
    public static JsonObject Issued(IssuedCertificate issued)
    {
        var body = new JsonObject
        {
            ["certificate"] = issued.Certificate,
            ["certificate_chain"] = issued.CertificateChain,
        };
        if (issued.PrivateKey is { } key)
        {
            body["key"] = key;
        }

        return body;
    }

    public static JsonObject Authority(AuthorityCertificate authority) => new()
    {
        ["ca"] = authority.Ca,
        ["certificate"] = authority.Certificate,
        ["certificate_chain"] = authority.CertificateChain,
        ["tags"] = new JsonObject(authority.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
    };
}
