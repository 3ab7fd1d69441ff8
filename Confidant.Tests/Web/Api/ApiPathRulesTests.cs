using System.Net;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>/v1 path rules: no trailing slash (spec preamble), JSON bodies on routing errors (spec §1.4).</summary>
public sealed class ApiPathRulesTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;
    private HttpClient _user = null!;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        _user = await _host.UserClientAsync("alice");
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput());
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("/v1/services")]
    [InlineData("/v1/services/billing")]
    [InlineData("/v1/credentials")]
    [InlineData("/v1/archive/services/billing")]
    [InlineData("/v1/client_config")]
    public async Task Get_TrailingSlash_NotFound(string path)
    {
        var without = await _user.GetAsync(Relative(path));
        var with = await _user.GetAsync(Relative(path + "/"));

        Assert.Equal(HttpStatusCode.OK, without.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, with.StatusCode);
        Assert.Equal("{}\n", await with.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_TrailingSlashAnonymous_NotFound()
    {
        using var anonymous = _host.AnonymousClient();

        var response = await anonymous.GetAsync(Relative("/v1/services/"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Put_TrailingSlash_NotFoundAndNothingWritten()
    {
        var response = await _user.PutAsync(
            Relative("/v1/services/payroll/"),
            ApiTestHost.Json("{\"credentials\": [], \"blind_credentials\": [], \"enabled\": true}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _user.GetAsync(Relative("/v1/services/payroll"))).StatusCode);
    }

    [Fact]
    public async Task Get_UnknownRoute_NotFoundEmptyObject()
    {
        var response = await _user.GetAsync(Relative("/v1/nothing/here"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Delete_KnownPath_MethodNotAllowedWithJsonError()
    {
        var response = await _user.DeleteAsync(Relative("/v1/services/billing"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("{\"error\":\"Method Not Allowed\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_OutsideApi_BodyNotRewritten()
    {
        using var anonymous = _host.AnonymousClient();

        var response = await anonymous.GetAsync(Relative("/healthcheck"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);
}
