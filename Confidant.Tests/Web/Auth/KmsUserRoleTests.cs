using System.Net;
using System.Text.Json;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// Finding 7: a kmsauth user token was allowed everything whatever the roles said. KmsAuth:UserRole now gives such a
/// person one role, enforced by the ACL like a session person's (default admin, the original's behaviour).
/// </summary>
public sealed class KmsUserRoleTests
{
    private const string NewService = "{\"id\": \"billing\", \"account\": null, \"enabled\": true, \"credentials\": [], \"blind_credentials\": []}";

    [Fact]
    public async Task UserToken_RoleReader_SeesMetadataOnly()
    {
        await using var host = ApiTestHost.Create(new Dictionary<string, string?> { ["KmsAuth:UserRole"] = "reader" });
        var credential = await host.CreateCredentialAsync("payments-db", ("password", "s3cr3t-value"));
        using var client = await host.UserClientAsync("bob");

        using var read = await client.GetAsync(new Uri($"/v1/credentials/{credential.Item.Id}", UriKind.Relative));
        using var write = await client.PutAsync(new Uri($"/v1/credentials/{credential.Item.Id}", UriKind.Relative), ApiTestHost.Json("{\"enabled\": false}"));
        using var service = await client.PutAsync(new Uri("/v1/services/billing", UriKind.Relative), ApiTestHost.Json(NewService));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement;
        Assert.Empty(body.GetProperty("credential_pairs").EnumerateObject());
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }

    [Fact]
    public async Task UserToken_RoleEditor_RevealsButMayNotCreateServices()
    {
        await using var host = ApiTestHost.Create(new Dictionary<string, string?> { ["KmsAuth:UserRole"] = "editor" });
        var credential = await host.CreateCredentialAsync("payments-db", ("password", "s3cr3t-value"));
        using var client = await host.UserClientAsync("bob");

        using var read = await client.GetAsync(new Uri($"/v1/credentials/{credential.Item.Id}", UriKind.Relative));
        using var service = await client.PutAsync(new Uri("/v1/services/billing", UriKind.Relative), ApiTestHost.Json(NewService));

        Assert.Equal("s3cr3t-value", JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("credential_pairs").GetProperty("password").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }

    [Fact]
    public async Task UserToken_Default_MayDoWhatTheOriginalAllowed()
    {
        await using var host = ApiTestHost.Create();
        using var client = await host.UserClientAsync("bob");

        using var service = await client.PutAsync(new Uri("/v1/services/billing", UriKind.Relative), ApiTestHost.Json(NewService));

        Assert.Equal(HttpStatusCode.OK, service.StatusCode);
    }
}
