using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api.RateLimiting;

/// <summary>
/// Per-address budgets for what costs Confidant without proving who asks: refused authentications and anonymous
/// routes end in 429 with the JSON error and Retry-After; successful authenticated polling never spends from them.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string TooMany = "Too many requests; try again later.";

    private ApiTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["RateLimits:FailedAuthenticationsPerMinute"] = "3",
            ["RateLimits:AnonymousRequestsPerMinute"] = "5",
        });
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetService_RefusedTokensPastTheBudget_429WithRetryAfterEvenForAGoodToken()
    {
        var good = await _host.TokenAsync("billing");
        using var forger = Basic(good.Username, Tampered(good.Token));

        for (var i = 0; i < 3; i++)
        {
            (await forger.GetWireAsync("/v1/services/billing")).AssertError(HttpStatusCode.Forbidden, "Token refused.");
        }

        var limited = await forger.GetWireAsync("/v1/services/billing");
        using var honest = Basic(good.Username, good.Token);
        var sameAddress = await honest.GetWireAsync("/v1/services/billing");

        limited.AssertError(HttpStatusCode.TooManyRequests, TooMany);
        Assert.True(limited.Response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        sameAddress.AssertError(HttpStatusCode.TooManyRequests, TooMany);
    }

    [Fact]
    public async Task GetService_GoodTokenPolledOften_NeverLimited()
    {
        using var service = await _host.ServiceClientAsync("billing");

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await service.GetWireAsync("/v1/services/billing")).Status);
        }
    }

    [Fact]
    public async Task UserEmail_NoSessionPastTheBudget_429()
    {
        using var anonymous = _host.AnonymousClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await anonymous.GetWireAsync("/v1/user/email")).Status);
        }

        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            answers);
    }

    [Fact]
    public async Task ValueGenerator_PastTheAnonymousBudget_429WithRetryAfter()
    {
        using var anonymous = _host.AnonymousClient();

        for (var i = 0; i < 5; i++)
        {
            (await anonymous.GetWireAsync("/v1/value_generator")).AssertPlain();
        }

        var limited = await anonymous.GetWireAsync("/v1/value_generator");

        limited.AssertError(HttpStatusCode.TooManyRequests, TooMany);
        Assert.True(limited.Response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
    }

    private static string Tampered(string token)
    {
        var bytes = Convert.FromBase64String(token);
        bytes[^5] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }

    private HttpClient Basic(string username, string token)
    {
        var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{token}")));
        return client;
    }
}
