using System.Net;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api.Filters;

/// <summary>Maintenance mode (spec §9.7): writes refused after authentication (spec §1.5), reads still served.</summary>
public sealed class MaintenanceModeFilterTests : IDisposable
{
    private const string MaintenanceBody = "{\"error\": \"Server in maintenance mode.\"}";
    private const string ServiceBody = "{\"id\": \"billing\", \"account\": null, \"enabled\": true, \"credentials\": [], \"blind_credentials\": []}";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Switches => new() { "setting", "touch-file" };

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Writes_MaintenanceOn_ForbiddenWithExactBodyAndNothingWritten(string how)
    {
        await using var host = await StartAsync(how);
        using var user = await host.UserClientAsync("alice");

        var responses = new[]
        {
            await user.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(ServiceBody)),
            await user.PostAsync(Relative("/v1/credentials"), ApiTestHost.Json("{\"name\": \"db\", \"credential_pairs\": {\"k\": \"v\"}}")),
            await user.PutAsync(Relative("/v1/services/billing/1"), null),
            await user.PutAsync(Relative("/v1/grants/billing"), null),
            await user.PostAsync(Relative("/v1/blind_credentials"), ApiTestHost.Json("{}")),
        };

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(MaintenanceBody, await response.Content.ReadAsStringAsync());
        }

        var stored = await host.Get<ServiceMappingService>().GetAsync(ApiTestHost.Alice, "billing", metadataOnly: true);
        Assert.Equal(1, stored.Item.Revision);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Reads_MaintenanceOn_Served(string how)
    {
        await using var host = await StartAsync(how);
        using var user = await host.UserClientAsync("alice");
        using var service = await host.ServiceClientAsync("billing");

        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(Relative("/v1/services"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync(Relative("/v1/services/billing?metadata_only=False"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(Relative("/v1/grants/billing"))).StatusCode);
    }

    [Fact]
    public async Task Write_AnonymousInMaintenance_UnauthorizedFirst()
    {
        await using var host = await StartAsync("setting");
        using var anonymous = host.AnonymousClient();

        var response = await anonymous.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(ServiceBody));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(MaintenanceBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Write_RefusedTokenInMaintenance_ForbiddenByAuthentication()
    {
        await using var host = await StartAsync("setting");
        var token = await host.TokenAsync("billing");
        using var client = host.AnonymousClient();
        client.DefaultRequestHeaders.Add("X-Auth-From", "2/service/web");
        client.DefaultRequestHeaders.Add("X-Auth-Token", token.Token);

        var response = await client.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(ServiceBody));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual(MaintenanceBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Write_SessionWithoutXsrfInMaintenance_UnauthorizedFirst()
    {
        await using var host = await StartAsync("setting");
        using var session = await host.SessionClientAsync();
        session.DefaultRequestHeaders.Remove("X-XSRF-TOKEN");

        var response = await session.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(ServiceBody));

        // spec §1.5: CSRF (401) runs before maintenance mode.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Write_TouchFileRemoved_AcceptedAgain()
    {
        await using var host = await StartAsync("touch-file");
        using var user = await host.UserClientAsync("alice");
        var refused = await user.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(ServiceBody));

        File.Delete(_directory.File("maintenance"));
        var accepted = await user.PutAsync(Relative("/v1/services/billing"), ApiTestHost.Json(ServiceBody));

        // spec §9.7: the touch file is checked on every request.
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private async Task<ApiTestHost> StartAsync(string how)
    {
        var settings = new Dictionary<string, string?>();
        if (how == "setting")
        {
            settings["Api:MaintenanceMode"] = "true";
        }
        else
        {
            var file = _directory.File("maintenance");
            await File.WriteAllTextAsync(file, string.Empty);
            settings["Api:MaintenanceModeTouchFile"] = file;
        }

        var host = ApiTestHost.Create(settings);

        // Written to the store directly: the domain refuses writes while maintenance mode is on.
        await host.Get<IConfidantStore>().WriteRevisionAsync(StoredItemSamples.Service("billing"));
        return host;
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);
}
