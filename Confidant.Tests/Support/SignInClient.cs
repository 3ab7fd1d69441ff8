using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Confidant.Tests.Support;

/// <summary>Drives the development sign-in form over HTTP, the way a browser does (cookies kept, no redirects followed).</summary>
public static partial class SignInClient
{
    public static HttpClient Create(ConfidantWebFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client, string path = "/signin")
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        var match = TokenField().Match(html);
        Assert.True(match.Success, "the page carries no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string name, string? returnUrl, string? role = null)
    {
        var token = await GetAntiforgeryTokenAsync(client);
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["name"] = name };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        if (role is not null)
        {
            fields["role"] = role;
        }

        using var content = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri("/signin", UriKind.Relative), content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" (?:type=\"hidden\" )?value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
