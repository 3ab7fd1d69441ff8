using System.Net;
using System.Text;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Tests.Support;
using Confidant.Web.Commands;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.DataProtection;

/// <summary>
/// Two real app hosts on Kestrel over one store and one key ring file, as two instances behind a load balancer: a
/// person's antiforgery token, sign-in cookie and XSRF token from one are accepted by the other, and a revocation of the
/// ring (<c>sessions revoke --all</c>) through one ends them on both.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class TwoInstanceSessionTests(DynaliteFixture dynalite) : IDisposable
{
    private readonly TempDirectory _shared = new();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("dynamodb")]
    public async Task SessionStartedOnOneInstance_WorksOnTheOtherAsync(string backend)
    {
        var settings = await SharedSettingsAsync(backend);
        await using var pair = await InstancePair.StartAsync(settings);
        var (first, onFirst, onSecond) = (pair.First, pair.OnFirst, pair.OnSecond);

        // The form (and its antiforgery token) from the first, posted to the second, which issues the session cookie.
        var formToken = await SignInClient.GetAntiforgeryTokenAsync(onFirst);
        using var signIn = await onSecond.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = formToken, ["name"] = "alice@example.com" }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // The session on the first; its XSRF token echoed on a write to the second; the write read back on the first.
        using var email = await onFirst.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, email.StatusCode);
        Assert.Contains("alice@example.com", await email.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var xsrf = pair.Cookies.GetCookies(onFirst.BaseAddress!)["XSRF-TOKEN"]?.Value;
        Assert.False(string.IsNullOrEmpty(xsrf), "the first instance set no XSRF cookie");
        using var write = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/credentials", UriKind.Relative))
        {
            Content = new StringContent("""{"name": "shared", "credential_pairs": {"password": "x"}}""", Encoding.UTF8, "application/json"),
        };
        write.Headers.Add("X-XSRF-TOKEN", Uri.UnescapeDataString(xsrf));
        using var created = await onSecond.SendAsync(write);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var read = await onFirst.GetAsync(new Uri($"/v1/credentials/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("\"shared\"", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionStartedOnAnInstanceOfAnotherStore_IsRefusedAsync()
    {
        var settings = await SharedSettingsAsync("sqlite");
        await using var first = ConfidantAppHost.Build(settings);
        await using var stranger = ConfidantAppHost.Build(["--urls=http://127.0.0.1:0"]);
        await first.StartAsync();
        await stranger.StartAsync();
        var cookies = new CookieContainer();
        using var onFirst = Client(first, cookies);
        using var onStranger = Client(stranger, cookies);

        using var signIn = await SignInClient.PostSignInAsync(onFirst, "alice@example.com", null);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        using var accepted = await onFirst.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        using var refused = await onStranger.GetAsync(new Uri("/v1/user/email", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task SessionsRevokedThroughOneInstance_AreRefusedByEveryInstanceUntilSignedInAgainAsync()
    {
        var settings = (await SharedSettingsAsync("sqlite")).Append("--DataProtection:KeyRingRefreshSeconds=1").ToArray();
        await using var pair = await InstancePair.StartAsync(settings);
        var (first, onFirst, onSecond) = (pair.First, pair.OnFirst, pair.OnSecond);
        using (var signIn = await SignInClient.PostSignInAsync(onFirst, "alice@example.com", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await EmailStatusAsync(onSecond));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(first.Services, ["sessions", "revoke", "--all"], output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.StartsWith("sessions revoke: 1 keys revoked.", output.ToString(), StringComparison.Ordinal);
        // Data Protection reads a ring again in the background and serves the one in hand meanwhile: this instance
        // follows within a request or two, the other at its next read of the ring (every second here).
        await Eventually.HoldsAsync(async () => await EmailStatusAsync(onFirst) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(15), "the first instance refusing the session");
        await Eventually.HoldsAsync(async () => await EmailStatusAsync(onSecond) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(15), "the second instance refusing the session");
        var record = Assert.Single((await first.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.Admin })).Records).Entry;
        Assert.Equal((SessionsRevokeCommand.Resource, "*", Environment.UserName), (record.ResourceType, record.ResourceId, record.Actor.Name));

        // Signing in again makes a new key, which the other instance reads too.
        using (var again = await SignInClient.PostSignInAsync(onSecond, "alice@example.com", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        }

        await Eventually.HoldsAsync(async () => await EmailStatusAsync(onFirst) == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "the first instance accepting the new session");
    }

    [Theory]
    [InlineData("sessions", "revoke")]
    [InlineData("sessions", "revoke", "--all", "--all")]
    [InlineData("sessions", "revoke", "alice@example.com")]
    public async Task SessionsRevoke_WithoutAll_Exit2WithTheUsageAndRevokesNothingAsync(params string[] args)
    {
        await using var host = ConfidantAppHost.Build(await SharedSettingsAsync("sqlite"));
        await host.StartAsync();
        var cookies = new CookieContainer();
        using var client = Client(host, cookies);
        using (var signIn = await SignInClient.PostSignInAsync(client, "alice@example.com", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(host.Services, args, output, error);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Contains(SessionsRevokeCommand.Usage, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await EmailStatusAsync(client));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _shared.Dispose();
    }

    private async Task<string[]> SharedSettingsAsync(string backend)
    {
        List<string> settings =
        [
            "--urls=http://127.0.0.1:0",
            $"--Kms:LocalKeyRingPath={_shared.File("keyring.json")}",
            $"--Certificates:Local:Path={_shared.File("local-ca.json")}",
            $"--Jwt:KeyFile={_shared.File("jwt-keys.json")}",
        ];
        if (backend == "sqlite")
        {
            settings.Add($"--Storage:Sqlite:Path={_shared.File("confidant.db")}");
        }
        else
        {
            MotoServerFixture.ProvideDefaultCredentials();
            settings.AddRange((await dynalite.StorageSettingsAsync()).Select(setting => $"--{setting.Key}={setting.Value}"));
        }

        return [.. settings];
    }

    // Two instances on the same settings, and a client of each sharing one cookie jar, as a browser behind a balancer.
    private sealed class InstancePair : IAsyncDisposable
    {
        private InstancePair(ConfidantAppHost first, ConfidantAppHost second)
        {
            (First, Second) = (first, second);
            (OnFirst, OnSecond) = (Client(first, Cookies), Client(second, Cookies));
        }

        public CookieContainer Cookies { get; } = new();

        public ConfidantAppHost First { get; }

        public ConfidantAppHost Second { get; }

        public HttpClient OnFirst { get; }

        public HttpClient OnSecond { get; }

        public static async Task<InstancePair> StartAsync(string[] settings)
        {
            var first = ConfidantAppHost.Build(settings);
            var second = ConfidantAppHost.Build(settings);
            await first.StartAsync();
            await second.StartAsync();
            return new InstancePair(first, second);
        }

        public async ValueTask DisposeAsync()
        {
            OnFirst.Dispose();
            OnSecond.Dispose();
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> EmailStatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/v1/user/email", UriKind.Relative));
        return response.StatusCode;
    }

    private static HttpClient Client(ConfidantAppHost host, CookieContainer cookies)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
#pragma warning disable CA2000 // The client owns the handler.
        var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
#pragma warning restore CA2000
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(address) };
    }
}
