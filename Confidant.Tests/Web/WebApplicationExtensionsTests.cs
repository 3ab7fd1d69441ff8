using System.Net;
using System.Text.Json;
using Confidant.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Confidant.Tests.Web;

/// <summary>The OpenAPI document is mapped only in Development.</summary>
public sealed class WebApplicationExtensionsTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OpenApi_Development_ListsTheV1Routes()
    {
        using var client = _host.Factory.WithWebHostBuilder(builder => builder.UseEnvironment("Development")).CreateClient();

        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/services/{id}", paths);
        Assert.Contains("/v1/credentials", paths);
        Assert.Contains("/v1/blind_credentials/{id}", paths);
        Assert.Contains("/v1/grants/{id}", paths);
        Assert.True(json.RootElement.GetProperty("paths").GetProperty("/v1/services/{id}").TryGetProperty("put", out _));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task OpenApi_OtherEnvironment_NotFound(string environment)
    {
        // Outside Development the sign-in must be chosen; the development one keeps this test about the route alone.
        using var factory = _host.Factory.WithWebHostBuilder(builder => builder.UseEnvironment(environment).UseSetting("Auth:Mode", "Development"));
        using var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
