using System.Net;
using System.Text.RegularExpressions;

namespace Confidant.Tests.Support;

/// <summary>
/// A browser without a screen: keeps cookies, follows redirects itself and submits the provider's auto-posting
/// <c>form_post</c> page, so a full OpenID Connect code flow runs over real HTTP against loopback servers.
/// </summary>
public sealed partial class OidcBrowser : IDisposable
{
    private const int MaxHops = 20;
    private readonly HttpClient _client;
    private readonly Dictionary<string, (string Value, string Path)> _cookies = new(StringComparer.Ordinal);

    /// <param name="proxy">Sits between the browser and the network, like a TLS-terminating proxy in front of the app.</param>
    public OidcBrowser(DelegatingHandler? proxy = null)
    {
        HttpMessageHandler network = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        if (proxy is not null)
        {
            proxy.InnerHandler = network;
            network = proxy;
        }

        _client = new HttpClient(new LoopbackCookieHandler(_cookies) { InnerHandler = network });
    }


    /// <summary>Every URI requested, in order.</summary>
    public List<Uri> Visited { get; } = [];

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        Visited.Add(request.RequestUri!);
        return await _client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(Uri uri) => SendAsync(new HttpRequestMessage(HttpMethod.Get, uri));

    /// <summary>Follows redirects and auto-posting forms until a page that asks something of the person.</summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpResponseMessage response)
    {
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var from = response.RequestMessage!.RequestUri!;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
                or HttpStatusCode.RedirectKeepVerb or HttpStatusCode.MovedPermanently)
            {
                var next = new Uri(from, response.Headers.Location!);
                response.Dispose();
                response = await GetAsync(next);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK && await AutoPostFormAsync(response) is { } post)
            {
                response.Dispose();
                response = await SendAsync(post);
                continue;
            }

            return response;
        }

        throw new InvalidOperationException($"More than {MaxHops} redirects.");
    }

    /// <summary>Starts at the app's sign-in, fills in the provider's login form and returns the final response.</summary>
    public async Task<HttpResponseMessage> SignInAsync(Uri app, TestPerson person, string? returnUrl = null)
    {
        var start = returnUrl is null ? "/signin" : $"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var form = await FollowAsync(await GetAsync(new Uri(app, start)));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync();
        var providerReturnUrl = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value);
        Assert.StartsWith("/", providerReturnUrl, StringComparison.Ordinal);

        var login = new HttpRequestMessage(HttpMethod.Post, new Uri(form.RequestMessage!.RequestUri!, "/login"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = person.Email,
                ["password"] = TestIdentityProvider.Password,
                ["returnUrl"] = providerReturnUrl,
            }),
        };
        return await FollowAsync(await SendAsync(login));
    }

    public string? Cookie(string name) => _cookies.TryGetValue(name, out var cookie) ? cookie.Value : null;

    public void Dispose() => _client.Dispose();

    private static async Task<HttpRequestMessage?> AutoPostFormAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var form = FormAction().Match(html);
        if (!form.Success)
        {
            return null;
        }

        var fields = HiddenField().Matches(html)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        if (!fields.ContainsKey("state"))
        {
            return null;
        }

        return new HttpRequestMessage(HttpMethod.Post, new Uri(response.RequestMessage!.RequestUri!, WebUtility.HtmlDecode(form.Groups[1].Value)))
        {
            Content = new FormUrlEncodedContent(fields),
        };
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();

    /// <summary>
    /// A minimal cookie jar for one loopback host (ports are ignored, as browsers do): name, value and path, dropped
    /// when expired. <c>Secure</c> is ignored because browsers treat loopback as a secure context.
    /// </summary>
    private sealed class LoopbackCookieHandler(Dictionary<string, (string Value, string Path)> jar) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var header = string.Join("; ", jar
                .Where(cookie => path.StartsWith(cookie.Value.Path, StringComparison.Ordinal))
                .Select(cookie => $"{cookie.Key}={cookie.Value.Value}"));
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
                var nameValue = parts[0].Split('=', 2);
                var attributes = parts.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(a => a[0].ToLowerInvariant(), a => a.Length > 1 ? a[1] : string.Empty);
                var expired = (attributes.TryGetValue("expires", out var expires) && DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) < new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
                    || (attributes.TryGetValue("max-age", out var maxAge) && maxAge == "0");
                if (expired || nameValue[1].Length == 0)
                {
                    jar.Remove(nameValue[0]);
                }
                else
                {
                    jar[nameValue[0]] = (nameValue[1], attributes.TryGetValue("path", out var cookiePath) ? cookiePath : "/");
                }
            }

            return response;
        }
    }
}
