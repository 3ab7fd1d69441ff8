using System.Net;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// Finding 2: with no Auth:Mode a production start ran the development sign-in. The built app, started as an operator
/// starts it (<c>dotnet Confidant.Web.dll</c>, the shipped appsettings.json, the Production environment).
/// </summary>
public sealed class ProductionStartTests
{
    [Fact]
    public async Task Start_ProductionWithoutAuthMode_ExitsNamingTheSetting()
    {
        await using var app = ConfidantProcess.Start(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        var exitCode = await app.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Auth:Mode is not set.", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionWithSamlFromConfidantSettings_ExitsSayingWhatToUseInstead()
    {
        await using var app = ConfidantProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["USER_AUTH_MODULE"] = "saml",
        });

        var exitCode = await app.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("USER_AUTH_MODULE=saml", app.Output, StringComparison.Ordinal);
        Assert.Contains("Auth:Mode 'Oidc'", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionWithDevelopmentChosen_ServesDirectLocalRequestsOnly()
    {
        // Choosing the development sign-in explicitly is allowed: the refusal is about not choosing.
        await using var app = ConfidantProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__Mode"] = "Development",
        });

        using var client = new HttpClient { BaseAddress = await app.BaseAddressAsync() };
        using var form = await client.GetAsync(new Uri("/signin", UriKind.Relative));
        using var proxied = new HttpRequestMessage(HttpMethod.Get, new Uri("/signin", UriKind.Relative));
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var refused = await client.SendAsync(proxied);

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("Development sign-in is active", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
