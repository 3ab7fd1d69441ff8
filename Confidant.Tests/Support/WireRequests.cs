using System.Net.Http.Headers;
using System.Text;

namespace Confidant.Tests.Support;

/// <summary>Requests as confidant-client sends them (spec §5): relative paths, JSON bodies, <c>Accept: text/plain</c> on writes.</summary>
public static class WireRequests
{
    public static async Task<WireResponse> GetWireAsync(this HttpClient client, string path) =>
        await WireResponse.ReadAsync(await client.GetAsync(new Uri(path, UriKind.Relative)));

    public static Task<WireResponse> PostWireAsync(this HttpClient client, string path, string? json) =>
        SendAsync(client, HttpMethod.Post, path, json is null ? null : ClientJson(json));

    public static Task<WireResponse> PutWireAsync(this HttpClient client, string path, string? json) =>
        SendAsync(client, HttpMethod.Put, path, json is null ? null : ClientJson(json));

    public static async Task<WireResponse> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        return await WireResponse.ReadAsync(await client.SendAsync(request));
    }

    /// <summary>The body the Python client sends: <c>Content-type: application/json</c> without a charset.</summary>
    public static StringContent ClientJson(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
