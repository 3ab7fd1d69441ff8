using System.Net;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Auth;

public sealed class DevelopmentSignInGuardTests
{
    [Fact]
    public async Task Start_LoopbackUrl_StartsAndServesAsync()
    {
        await using var app = ConfidantAppHost.Build(["--urls=http://127.0.0.1:0"]);

        await app.StartAsync();

        var address = Assert.Single(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses);
        Assert.True(LoopbackAddress.IsLoopback(address), address);
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("--urls=http://0.0.0.0:0")]
    [InlineData("--urls=http://127.0.0.1:0;http://*:0")]
    [InlineData("--http_ports=0")]
    [InlineData("--Kestrel:Endpoints:Public:Url=http://[::]:0")]
    public async Task Start_ConfiguredBeyondLoopback_RefusesWithReasonAndRemedyAsync(string arg)
    {
        await using var app = ConfidantAppHost.Build([arg]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("is configured to listen on", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a loopback address", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KestrelBoundToAnyAddressInCode_RefusesAsync()
    {
        // Listeners set in code bypass configuration; the bound addresses are checked right after start.
        await using var app = ConfidantAppHost.Build([], kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var open = ConfidantAppHost.Build([], kestrel => kestrel.Listen(IPAddress.Any, 0));

        await app.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => open.StartAsync());

        Assert.Contains("is listening on http://0.0.0.0:", error.Message, StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public void ConfiguredUrls_AllSources_AreListed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://localhost:1; http://127.0.0.1:2",
            ["https_ports"] = "443",
            ["Kestrel:Endpoints:A:Url"] = "http://[::1]:3",
        }).Build();

        var urls = DevelopmentSignInGuard.ConfiguredUrls(configuration).ToList();

        Assert.Equal(["http://localhost:1", "http://127.0.0.1:2", "https://*:443", "http://[::1]:3"], urls);
    }
}
