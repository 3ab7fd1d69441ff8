using System.Net;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Confidant.Tests.Web.Health;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Healthz_Anonymous_Returns200StatusOkAsync()
    {
        using var factory = new ConfidantWebFactory();
        using var client = SignInClient.Create(factory);

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"status\":\"ok\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_FailingCheck_Returns503WithoutDetailsAsync()
    {
        using var factory = new ConfidantWebFactory(configureServices: services =>
            services.AddHealthChecks().AddCheck("store", () => HealthCheckResult.Unhealthy("db at 10.1.2.3 unreachable")));
        using var client = SignInClient.Create(factory);

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{\"status\":\"unhealthy\"}", await response.Content.ReadAsStringAsync());
    }
}
