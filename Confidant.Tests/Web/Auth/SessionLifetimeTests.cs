using System.Net;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// Finding 7: the 8-hour sliding cookie had no absolute lifetime, so a session in steady use never ended. Sessions now
/// end Auth:Session:MaxLifetimeSeconds after sign-in (default 12 h), however much they are used.
/// </summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public async Task Session_UsedEveryHour_EndsAtTheAbsoluteLifetime()
    {
        using var factory = new ConfidantWebFactory();
        using var client = await SignedInAsync(factory);

        for (var hour = 1; hour <= 11; hour++)
        {
            factory.Time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(HttpStatusCode.OK, await ProbeAsync(client));
        }

        factory.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeAsync(client));
    }

    [Fact]
    public async Task Session_MaxLifetimeSetting_Honoured()
    {
        using var factory = new ConfidantWebFactory(new Dictionary<string, string?> { ["Auth:Session:MaxLifetimeSeconds"] = "3600" });
        using var client = await SignedInAsync(factory);

        factory.Time.Advance(TimeSpan.FromMinutes(59));
        var before = await ProbeAsync(client);
        factory.Time.Advance(TimeSpan.FromMinutes(2));
        var after = await ProbeAsync(client);

        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal(HttpStatusCode.Unauthorized, after);
    }

    [Fact]
    public async Task Session_IdleLongerThanTheTimeout_Ends()
    {
        using var factory = new ConfidantWebFactory(new Dictionary<string, string?> { ["Auth:Session:IdleTimeoutSeconds"] = "600" });
        using var client = await SignedInAsync(factory);

        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeAsync(client));
    }

    [Fact]
    public async Task SignOut_CookieKeptAndReplayed_Refused()
    {
        using var factory = new ConfidantWebFactory();
        using var client = await SignedInAsync(factory);
        using var kept = SignInClient.Create(factory);
        kept.DefaultRequestHeaders.Add("Cookie", await CookieAsync(client));
        var token = await SignInClient.GetAntiforgeryTokenAsync(client);

        using var signOut = await client.PostAsync(
            new Uri("/signout", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ProbeAsync(kept));
    }

    private static async Task<HttpClient> SignedInAsync(ConfidantWebFactory factory)
    {
        var client = SignInClient.Create(factory);
        using var signIn = await SignInClient.PostSignInAsync(client, "dev@example.com", "/");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(client));
        return client;
    }

    private static async Task<HttpStatusCode> ProbeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>The session cookie as the browser would send it, read back from a request the client makes.</summary>
    private static async Task<string> CookieAsync(HttpClient client)
    {
        using var echo = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        var sent = echo.RequestMessage!.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : string.Empty;
        Assert.Contains("confidant.auth=", sent, StringComparison.Ordinal);
        return sent;
    }
}
