using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Security;

public sealed class SecurityHeadersTests : IDisposable
{
    private readonly ConfidantWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    // spec §1.3: every response, including static files, redirects and errors.
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/signin")]
    [InlineData("/signin.css")]
    [InlineData("/")]
    [InlineData("/no-such-path")]
    public async Task AnyResponse_CarriesSecurityHeadersAsync(string path)
    {
        using var client = SignInClient.Create(_factory);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task ProviderSignIn_FormActionAllowsTheProvider()
    {
        // Browsers apply form-action to the redirects after a form post: the sign-out form goes on to the provider.
        using var factory = new ConfidantWebFactory(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Oidc",
            ["Auth:Oidc:Authority"] = "https://sso.example.com/realms/main",
            ["Auth:Oidc:ClientId"] = "confidant",
        });
        using var client = SignInClient.Create(factory);

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("form-action 'self' https://sso.example.com;", csp, StringComparison.Ordinal);
    }
}
