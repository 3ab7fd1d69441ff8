using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.KmsAuth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support;

/// <summary>
/// The real app (on the embedded defaults or another <see cref="ApiBackend"/>) with kmsauth configured: clients for
/// services (Basic auth with a kmsauth token minted by the app's own key service), for people (a kmsauth user token,
/// or a signed-in browser session with the XSRF header), and direct access to the domain services for seeding.
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    public const string To = "confidant-test";
    public const string AuthKey = "alias/confidant-auth";
    public const string UserAuthKey = "alias/confidant-user-auth";
    public const string ScopedKey = "alias/confidant-auth-acct2";
    public const string AtRestKey = "alias/confidant-at-rest";
    public const string ScopedAccount = "acct2";

    private ApiTestHost(ConfidantWebFactory factory) => Factory = factory;

    public ConfidantWebFactory Factory { get; }

    public static ConfidantPrincipal Alice { get; } = ConfidantPrincipal.ForUser("alice@example.com");

    /// <summary>A host on the embedded defaults (SQLite, local key ring).</summary>
    public static ApiTestHost Create(
        IReadOnlyDictionary<string, string?>? settings = null,
        bool countKeyServiceCalls = false,
        Action<IServiceCollection>? configureServices = null) =>
        Create(new Dictionary<string, string?>(), settings, countKeyServiceCalls, configureServices);

    /// <summary>A host on <paramref name="backend"/>, with an empty store.</summary>
    public static async Task<ApiTestHost> CreateAsync(ApiBackend backend, IReadOnlyDictionary<string, string?>? settings = null) =>
        Create(await backend.SettingsAsync(), settings, countKeyServiceCalls: false, configureServices: null);

    private static ApiTestHost Create(
        Dictionary<string, string?> backendSettings,
        IReadOnlyDictionary<string, string?>? settings,
        bool countKeyServiceCalls,
        Action<IServiceCollection>? configureServices)
    {
        var all = new Dictionary<string, string?>(backendSettings, StringComparer.OrdinalIgnoreCase)
        {
            ["KmsAuth:AuthContext"] = To,
            ["KmsAuth:AuthKey"] = AuthKey,
            ["KmsAuth:UserAuthKey"] = UserAuthKey,
            ["KmsAuth:ScopedAuthKeys:0:Key"] = ScopedKey,
            ["KmsAuth:ScopedAuthKeys:0:Account"] = ScopedAccount,
            ["KmsAuth:UserTypes:0"] = "service",
            ["KmsAuth:UserTypes:1"] = "user",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new ApiTestHost(new ConfidantWebFactory(all, services =>
        {
            if (countKeyServiceCalls)
            {
                CountingKeyService.Decorate(services);
            }

            configureServices?.Invoke(services);
        }));
    }

    public T Get<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    /// <summary>A client that never follows redirects, as confidant-client (spec §5).</summary>
    public HttpClient AnonymousClient() =>
        Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>A kmsauth token (username, token) minted exactly as python-kmsauth does.</summary>
    public Task<KmsAuthToken> TokenAsync(string from, string userType = "service", string? key = null, int version = 2, int lifetimeMinutes = 10) =>
        Get<KmsTokenGenerator>().GenerateAsync(key ?? (userType == "user" ? UserAuthKey : AuthKey), from, To, userType, version, lifetimeMinutes);

    /// <summary>A service client: HTTP Basic with a kmsauth token, as confidant-client sends.</summary>
    public async Task<HttpClient> ServiceClientAsync(string service, string? key = null, int version = 2)
    {
        var token = await TokenAsync(service, "service", key, version);
        return WithBasic(token);
    }

    /// <summary>A person calling with a kmsauth user token (<c>2/user/name</c>).</summary>
    public async Task<HttpClient> UserClientAsync(string name = "alice")
    {
        var token = await TokenAsync(name, "user");
        return WithBasic(token);
    }

    /// <summary>
    /// A signed-in browser session (with <paramref name="role"/>; admin when null); writes carry the XSRF header
    /// taken from the cookie (spec §2.7).
    /// </summary>
    public async Task<HttpClient> SessionClientAsync(string email = "alice@example.com", string? role = null)
    {
        var client = SignInClient.Create(Factory);
        var signIn = await SignInClient.PostSignInAsync(client, email, null, role);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        var probe = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        var xsrf = probe.Headers.GetValues("Set-Cookie")
            .Select(c => c.Split(';')[0])
            .Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal))["XSRF-TOKEN=".Length..];
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", Uri.UnescapeDataString(xsrf));
        return client;
    }

    public Task<Credential> CreateCredentialAsync(string name, params (string Key, string Value)[] pairs) =>
        Get<CredentialService>().CreateAsync(Alice, TestData.Credential(name, pairs));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        return ValueTask.CompletedTask;
    }

    private HttpClient WithBasic(KmsAuthToken token)
    {
        var client = AnonymousClient();
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        return client;
    }
}
