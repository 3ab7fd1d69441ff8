using System.Net;
using System.Text.Json;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Web.Api;

/// <summary>/v1/user/email, /v1/client_config, /v1/value_generator (spec §4.1, §4.3) and /healthcheck (spec §4.9).</summary>
public abstract class IdentityEndpointsTests(ApiBackend backend) : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiTestHost.CreateAsync(backend, new Dictionary<string, string?>
        {
            ["Credentials:TagsExcludingRotation:0"] = "ADMIN_PRIV",
            ["Credentials:RotationDaysConfig:FINANCIALLY_SENSITIVE"] = "30",
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task GetUserEmail_ServiceToken_ServiceName(string method)
    {
        using var client = await _host.ServiceClientAsync("billing");

        var response = await WireRequests.SendAsync(client, new HttpMethod(method), "/v1/user/email", null);
        response.AssertPlain();

        Assert.Equal("{\"email\":\"billing\"}\n", response.Body);
    }

    [Fact]
    public async Task GetUserEmail_Session_Email()
    {
        using var client = await _host.SessionClientAsync("carol@example.com");

        var response = await client.GetWireAsync("/v1/user/email");
        response.AssertPlain();

        Assert.Equal("{\"email\":\"carol@example.com\"}\n", response.Body);
    }

    [Fact]
    public async Task GetUserEmail_Anonymous_401()
    {
        using var client = _host.AnonymousClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetWireAsync("/v1/user/email")).Status);
    }

    [Theory]
    [InlineData("billing")]
    [InlineData("3/service/billing")]
    [InlineData("2/robot/billing")]
    public async Task GetUserEmail_MalformedKmsUsername_403Not500(string username)
    {
        // spec §13.6: the original answered 500 for usernames it could not parse.
        var token = await _host.TokenAsync("billing");
        using var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Add("X-Auth-From", username);
        client.DefaultRequestHeaders.Add("X-Auth-Token", token.Token);

        (await client.GetWireAsync("/v1/user/email")).AssertSomeError(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetClientConfig_User_GeneratedShapeAllPermissions()
    {
        using var client = await _host.UserClientAsync("alice");

        var json = (await client.GetWireAsync("/v1/client_config")).AssertPlain();

        WireResponse.AssertFields(json, "defined", "generated");
        Assert.Equal(JsonValueKind.Object, json.GetProperty("defined").ValueKind);
        var generated = json.GetProperty("generated");
        WireResponse.AssertFields(generated, "aws_accounts", "defined_tags", "history_page_limit", "kms_auth_manage_grants",
            "maintenance_mode", "permissions", "xsrf_cookie_name");
        Assert.Equal([ApiTestHost.ScopedAccount], generated.GetProperty("aws_accounts").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["ADMIN_PRIV", "FINANCIALLY_SENSITIVE"], generated.GetProperty("defined_tags").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        Assert.True(generated.GetProperty("kms_auth_manage_grants").GetBoolean());
        Assert.False(generated.GetProperty("maintenance_mode").GetBoolean());
        Assert.Equal("XSRF-TOKEN", generated.GetProperty("xsrf_cookie_name").GetString());
        Assert.Equal(
            "{\"blind_credentials\":{\"create\":true,\"list\":true},\"credentials\":{\"create\":true,\"list\":true},\"services\":{\"create\":true,\"list\":true}}",
            generated.GetProperty("permissions").GetRawText());
    }

    [Fact]
    public async Task GetClientConfig_ServiceToken_NothingListableOrCreatable()
    {
        // spec §3.3/§3.4: the default ACL gives a service neither list nor create on any resource.
        using var client = await _host.ServiceClientAsync("billing");

        var json = (await client.GetWireAsync("/v1/client_config")).AssertPlain();

        Assert.Equal(
            "{\"blind_credentials\":{\"create\":false,\"list\":false},\"credentials\":{\"create\":false,\"list\":false},\"services\":{\"create\":false,\"list\":false}}",
            json.GetProperty("generated").GetProperty("permissions").GetRawText());
    }

    [Fact]
    public async Task GetClientConfig_ManageGrantsOffAndClientConfigSet_ReflectedWithItsJsonTypes()
    {
        // CLIENT_CONFIG is arbitrary JSON (spec §4.1): numbers, booleans, arrays, nested objects and null come back as such.
        const string Defined = "{\"blind_cipher_type\": \"fernet\", \"blind_cipher_version\": 2, \"ratio\": 0.5, \"store_keys\": true, "
            + "\"none\": null, \"regions\": [\"us-east-1\", 2, false], \"blind_keys\": {\"us-east-1\": \"alias/blind\"}}";
        await using var host = await ApiTestHost.CreateAsync(backend, new Dictionary<string, string?>
        {
            ["KmsAuth:ManageGrants"] = "false",
            ["Api:ClientConfig"] = Defined,
        });
        using var client = await host.UserClientAsync("alice");

        var json = (await client.GetWireAsync("/v1/client_config")).AssertPlain();

        Assert.False(json.GetProperty("generated").GetProperty("kms_auth_manage_grants").GetBoolean());
        Assert.Equal(
            "{\"blind_cipher_type\":\"fernet\",\"blind_cipher_version\":2,\"blind_keys\":{\"us-east-1\":\"alias/blind\"},\"none\":null,"
            + "\"ratio\":0.5,\"regions\":[\"us-east-1\",2,false],\"store_keys\":true}",
            json.GetProperty("defined").GetRawText());
    }

    [Fact]
    public async Task Start_ClientConfigAsSection_RefusedNamingTheSetting()
    {
        // A section cannot keep JSON types, so it is refused rather than echoed with every value turned into a string.
        await using var host = await ApiTestHost.CreateAsync(backend, new Dictionary<string, string?> { ["Api:ClientConfig:retries"] = "3" });

        var error = Assert.Throws<OptionsValidationException>(() => host.AnonymousClient());

        Assert.Contains("Api:ClientConfig must be a JSON object written as one string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateValue_Anonymous_FiftyAlphanumericsEachTimeNew()
    {
        using var client = _host.AnonymousClient();

        var first = (await client.GetWireAsync("/v1/value_generator")).AssertPlain();
        var second = (await client.GetWireAsync("/v1/value_generator")).AssertPlain();

        WireResponse.AssertFields(first, "value");
        Assert.Matches("^[A-Za-z0-9]{50}$", first.GetProperty("value").GetString());
        Assert.NotEqual(first.GetProperty("value").GetString(), second.GetProperty("value").GetString());
    }

    [Fact]
    public async Task GenerateValue_Anonymous_NoKeyServiceCall()
    {
        // spec §4.3 asks KMS GenerateRandom; the route is anonymous, so that let anyone spend the shared KMS quota
        // (docs/decisions/0005): the value comes from the local CSPRNG.
        await using var host = ApiTestHost.Create(countKeyServiceCalls: true);
        var keys = Assert.IsType<CountingKeyService>(host.Get<IKeyService>());
        using var client = host.AnonymousClient();
        var before = keys.Calls;

        for (var i = 0; i < 20; i++)
        {
            (await client.GetWireAsync("/v1/value_generator")).AssertPlain();
        }

        Assert.Equal(before, keys.Calls);
    }

    [Fact]
    public async Task Healthcheck_Anonymous_200EmptyBody()
    {
        using var client = _host.AnonymousClient();

        var response = await client.GetWireAsync("/healthcheck");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(string.Empty, response.Body);
    }
}
