using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Confidant.Tests.Web.Auth;

/// <summary>Who may call the service routes, over real HTTP with real kmsauth tokens (spec §2.1-2.4, §3.3, §4.5).</summary>
public sealed class KmsTokenAuthenticationTests : IAsyncLifetime
{
    private const string OtherAccount = "acct3";
    private const string Body = "{\"id\": \"billing\", \"account\": null, \"enabled\": true, \"credentials\": [], \"blind_credentials\": []}";

    private readonly ConcurrentQueue<string> _logLines = new();
    private ApiTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create(
            new Dictionary<string, string?>
            {
                ["KmsAuth:ScopedAuthKeys:1:Key"] = "alias/confidant-auth-acct3",
                ["KmsAuth:ScopedAuthKeys:1:Account"] = OtherAccount,
            },
            countKeyServiceCalls: true,
            configureServices: services => services.AddLogging(logging =>
            {
                logging.AddProvider(new LogCapture(_logLines));
                logging.AddFilter<LogCapture>(null, LogLevel.Trace);
            }));
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/v1/services/billing" },
        { "PUT", "/v1/services/billing" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ServiceRoute_Anonymous_Unauthorized(string method, string path)
    {
        using var client = _host.AnonymousClient();

        var response = await SendAsync(client, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ServiceRoute_SessionUser_Ok(string method, string path)
    {
        using var client = await _host.SessionClientAsync();

        var response = await SendAsync(client, method, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ServiceRoute_KmsUserToken_Ok(string method, string path)
    {
        using var client = await _host.UserClientAsync("alice");

        var response = await SendAsync(client, method, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public async Task GetService_OwningServiceBasic_Ok(int version)
    {
        using var client = await _host.ServiceClientAsync("billing", version: version);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetService_OwningServiceAuthHeaders_Ok()
    {
        var token = await _host.TokenAsync("billing");
        using var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Add("X-Auth-From", token.Username);
        client.DefaultRequestHeaders.Add("X-Auth-Token", token.Token);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PutService_OwningService_ForbiddenWithMessage()
    {
        using var client = await _host.ServiceClientAsync("billing");

        var response = await SendAsync(client, "PUT", "/v1/services/billing");

        // spec §3.3: a service may only read its own mapping; §4.11 message.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "{\"error\":\"billing does not have access to map the credentials because they do not own the credentials being added\",\"reference\":\"billing\"}\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetService_AnotherService_ForbiddenWithMessage()
    {
        using var client = await _host.ServiceClientAsync("web");

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "{\"error\":\"web does not have access to get service billing\",\"reference\":\"billing\"}\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutService_AnotherServiceOnNewService_ForbiddenWithCreateMessage()
    {
        using var client = await _host.ServiceClientAsync("web");

        var response = await SendAsync(client, "PUT", "/v1/services/payroll");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "{\"error\":\"web does not have access to create service payroll\",\"reference\":\"payroll\"}\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetService_ScopedTokenForServiceOfAnotherAccount_Unauthorized()
    {
        await ScopeBillingToAsync(OtherAccount);
        using var client = await _host.ServiceClientAsync("billing", ApiTestHost.ScopedKey);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        // spec §4.5 account scoping.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"error\":\"Authenticated user is not authorized.\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_UnscopedTokenForScopedService_Unauthorized()
    {
        await ScopeBillingToAsync(ApiTestHost.ScopedAccount);
        using var client = await _host.ServiceClientAsync("billing");

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetService_ScopedTokenForServiceOfSameAccount_Ok()
    {
        await ScopeBillingToAsync(ApiTestHost.ScopedAccount);
        using var client = await _host.ServiceClientAsync("billing", ApiTestHost.ScopedKey);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiTestHost.ScopedAccount, json.RootElement.GetProperty("account").GetString());
    }

    public static TheoryData<string> BadTokens => new()
    {
        "expired",
        "not-yet-valid",
        "over-max-lifetime",
        "other-to",
        "tampered",
        "wrong-user-type",
        "at-rest-key",
        "user-key-for-service",
        "not-base64",
        "no-payload-dates",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task GetService_BadToken_Forbidden(string kind)
    {
        var (username, token) = await BadTokenAsync(kind);
        using var client = Basic(username, token);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        // spec §2.1 step 3: any validation failure → 403, never 500.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task PutService_BadToken_ForbiddenAndUnchanged(string kind)
    {
        var (username, token) = await BadTokenAsync(kind);
        using var client = Basic(username, token);

        var response = await SendAsync(client, "PUT", "/v1/services/billing");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var stored = await _host.Get<ServiceMappingService>().GetAsync(ApiTestHost.Alice, "billing", metadataOnly: true);
        Assert.Equal(1, stored.Item.Revision);
    }

    [Fact]
    public async Task GetService_BasicWithEmptyPassword_Forbidden()
    {
        using var client = Basic("2/service/billing", string.Empty);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        // spec §2.1: a Basic username with an empty password → 403.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public void ReadCredentials_EmptyAuthTokenHeader_KmsRequestWithEmptyToken()
    {
        // The test server drops empty headers, so this is checked on the request directly: an empty X-Auth-Token
        // still makes a kmsauth request, which the handler refuses like an empty Basic password (spec §2.1: 403).
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Auth-From"] = "2/service/billing";
        context.Request.Headers["X-Auth-Token"] = string.Empty;

        var credentials = KmsTokenAuthenticationHandler.ReadCredentials(context.Request);

        Assert.Equal(("2/service/billing", string.Empty), credentials);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("x/service/y")]
    [InlineData("3/service/y")]
    [InlineData("2/service/")]
    [InlineData("2//billing")]
    [InlineData("2/service/billing/extra")]
    [InlineData("-1/service/billing")]
    public async Task GetService_MalformedUsername_Forbidden(string username)
    {
        var token = await _host.TokenAsync("billing");
        using var client = Basic(username, token.Token);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        // spec §2.1-2.2, §13.6: the original answered 500 here; 403 is the recommendation.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("X-Auth-From")]
    [InlineData("X-Auth-Token")]
    public async Task GetService_OnlyOneAuthHeader_NotAKmsRequest(string header)
    {
        var token = await _host.TokenAsync("billing");
        using var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Add(header, header == "X-Auth-From" ? token.Username : token.Token);

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        // spec §2.1 step 2: both headers are needed; otherwise it is a session request without a session.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetService_UndecodableBasicHeader_Forbidden()
    {
        using var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "***not-base64***");

        var response = await client.GetAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetService_WarmToken_AtMostOneKeyServiceDecrypt()
    {
        var counter = Assert.IsType<CountingKeyService>(_host.Get<IKeyService>());
        var token = await _host.TokenAsync("billing");
        using var client = Basic(token.Username, token.Token);
        var before = counter.Decrypts;

        for (var i = 0; i < 100; i++)
        {
            var response = await client.GetAsync(Relative("/v1/services/billing"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // spec §2.3 step 2: validated tokens are cached; 100 requests → one decrypt (≤ 0.01 per warm request).
        Assert.Equal(1, counter.Decrypts - before);
    }

    [Fact]
    public async Task AnyRequest_Token_NeverLogged()
    {
        var token = await _host.TokenAsync("billing");
        using var good = Basic(token.Username, token.Token);
        using var tampered = Basic("2/service/web", token.Token);
        using var headers = _host.AnonymousClient();
        headers.DefaultRequestHeaders.Add("X-Auth-From", token.Username);
        headers.DefaultRequestHeaders.Add("X-Auth-Token", token.Token);

        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync(Relative("/v1/services/billing"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tampered.GetAsync(Relative("/v1/services/billing"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await headers.GetAsync(Relative("/v1/services/billing?metadata_only=True"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(good, "PUT", "/v1/services/billing")).StatusCode);

        var lines = _logLines.ToList();
        Assert.Contains(lines, line => line.Contains("kmsauth token refused", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(token.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(token.Token[..24], StringComparison.Ordinal));
    }

    private async Task ScopeBillingToAsync(string account) =>
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Account = account });

    private async Task<(string Username, string Token)> BadTokenAsync(string kind)
    {
        var now = _host.Factory.Time.GetUtcNow();
        switch (kind)
        {
            case "expired":
                return ("2/service/billing", await MintAsync(now.AddMinutes(-20), now.AddMinutes(-10)));
            case "not-yet-valid":
                return ("2/service/billing", await MintAsync(now.AddMinutes(10), now.AddMinutes(15)));
            case "over-max-lifetime":
                var tooLong = await _host.TokenAsync("billing", lifetimeMinutes: 120);
                return (tooLong.Username, tooLong.Token);
            case "other-to":
                var other = await _host.Get<KmsTokenGenerator>().GenerateAsync(ApiTestHost.AuthKey, "billing", "another-confidant");
                return (other.Username, other.Token);
            case "tampered":
                var good = await _host.TokenAsync("billing");
                var bytes = Convert.FromBase64String(good.Token);
                bytes[bytes.Length / 2] ^= 0x01;
                return (good.Username, Convert.ToBase64String(bytes));
            case "wrong-user-type":
                var service = await _host.TokenAsync("billing");
                return ("2/user/billing", service.Token);
            case "at-rest-key":
                var atRest = await _host.TokenAsync("billing", key: ApiTestHost.AtRestKey);
                return (atRest.Username, atRest.Token);
            case "user-key-for-service":
                var userKey = await _host.TokenAsync("billing", key: ApiTestHost.UserAuthKey);
                return (userKey.Username, userKey.Token);
            case "not-base64":
                return ("2/service/billing", "!!!not base64!!!");
            case "no-payload-dates":
                return ("2/service/billing", await MintRawAsync("{\"not_before\": \"yesterday\"}"));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private Task<string> MintAsync(DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        MintRawAsync(KmsTokenGenerator.Payload(notBefore, notAfter));

    private async Task<string> MintRawAsync(string payload)
    {
        var context = new KmsAuthUsername(2, "service", "billing").EncryptionContext(ApiTestHost.To);
        var encrypted = await _host.Get<IKeyService>().EncryptAsync(ApiTestHost.AuthKey, Encoding.UTF8.GetBytes(payload), context);
        return Convert.ToBase64String(encrypted.Ciphertext);
    }

    private HttpClient Basic(string username, string token)
    {
        var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{token}")));
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path) => method == "GET"
        ? client.GetAsync(Relative(path))
        : client.PutAsync(Relative(path), ApiTestHost.Json(Body));

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    /// <summary>Keeps every formatted log line (and exception text) the app writes.</summary>
    private sealed class LogCapture(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
                lines.Enqueue($"{category}: {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
