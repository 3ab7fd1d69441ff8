using System.Net;
using Confidant.Tests.Support;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

public sealed class DevelopmentSignInEndpointsTests : IDisposable
{
    private readonly ConfidantWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Home_Anonymous_RedirectsToSignInWithReturnUrlAsync()
    {
        using var client = SignInClient.Create(_factory);

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin?returnUrl=%2F", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task SignIn_ValidNameAndLocalReturnUrl_SetsCookieAndRedirectsThereAsync()
    {
        using var client = SignInClient.Create(_factory);

        using var response = await SignInClient.PostSignInAsync(client, "dev@example.com", "/credentials?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/credentials?x=1", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AuthenticationExtensions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("dev@example.com", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("")]
    public async Task SignIn_NonLocalReturnUrl_RedirectsToRootAsync(string returnUrl)
    {
        using var client = SignInClient.Create(_factory);

        using var response = await SignInClient.PostSignInAsync(client, "dev", returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignInForm_NonLocalReturnUrl_IsNotEchoedIntoFormAsync()
    {
        using var client = SignInClient.Create(_factory);

        var html = await client.GetStringAsync(new Uri("/signin?returnUrl=%2F%2Fevil.example", UriKind.Relative));

        Assert.DoesNotContain("evil.example", html, StringComparison.Ordinal);
        Assert.Contains("name=\"returnUrl\" value=\"/\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task SignIn_BlankName_Returns400WithoutCookieAsync(string name)
    {
        using var client = SignInClient.Create(_factory);

        using var response = await SignInClient.PostSignInAsync(client, name, "/");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(HasAuthCookie(response));
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_Returns400WithoutCookieAsync()
    {
        using var client = SignInClient.Create(_factory);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "dev" });

        using var response = await client.PostAsync(new Uri("/signin", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(HasAuthCookie(response));
    }

    [Fact]
    public async Task SignOut_WithToken_ClearsCookieAndHomeRedirectsAgainAsync()
    {
        using var client = SignInClient.Create(_factory);
        (await SignInClient.PostSignInAsync(client, "dev", "/")).Dispose();
        var token = await SignInClient.GetAntiforgeryTokenAsync(client);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

        using var response = await client.PostAsync(new Uri("/signout", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AuthenticationExtensions.CookieName + "=;", StringComparison.Ordinal));
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutToken_Returns400AndStaysSignedInAsync()
    {
        using var client = SignInClient.Create(_factory);
        (await SignInClient.PostSignInAsync(client, "dev", "/")).Dispose();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>());

        using var response = await client.PostAsync(new Uri("/signout", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    private static bool HasAuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
        && cookies.Any(c => c.StartsWith(AuthenticationExtensions.CookieName + "=", StringComparison.Ordinal));

    [Theory]
    [InlineData("reader", false)]
    [InlineData("editor", true)]
    [InlineData(null, true)]
    public async Task SignIn_ChosenRole_DecidesWhetherValuesAreRevealed(string? role, bool revealed)
    {
        await using var host = ApiTestHost.Create();
        var credential = await host.CreateCredentialAsync("db", ("password", "hunter2"));
        using var client = SignInClient.Create(host.Factory);
        using var signIn = await SignInClient.PostSignInAsync(client, "dev@example.com", null, role);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        using var response = await client.GetAsync(new Uri($"/v1/credentials/{credential.Item.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(revealed, body.GetProperty("permissions").GetProperty("get").GetBoolean());
        Assert.Equal(revealed, body.GetProperty("credential_pairs").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task SignIn_UnknownRole_RefusedWithFormAgain()
    {
        using var client = SignInClient.Create(_factory);

        using var response = await SignInClient.PostSignInAsync(client, "dev@example.com", null, "root");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(AuthenticationExtensions.CookieName + "=", StringComparison.Ordinal)));
    }
}
