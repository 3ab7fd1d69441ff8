using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService.Model;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Configuration;

/// <summary>
/// A Confidant deployment switching over as its operator would: the built Confidant.Web.dll in its own process, the
/// shipped root appsettings.json (SQLite, local key ring), and only Confidant's own environment names pointing at
/// DynamoDB (dynalite) and KMS / IAM (moto). The Development environment is used so the test depends on no sign-in
/// setting: people here call with kmsauth user tokens, as confidant-client does.
/// </summary>
[Collection(AwsBackendCollection.Name)]
public sealed class ConfidantDeploymentStartTests(DynaliteFixture dynalite, MotoServerFixture moto) : IAsyncLifetime
{
    private const string AuthContext = "confidant-operator";
    private const string Account = "sandbox";
    private const string ClientConfig =
        "{\"blind_keys\": {\"us-east-1\": \"alias/blind\"}, \"blind_cipher_version\": 2, \"store_keys\": true, \"ratio\": 0.5, \"none\": null, \"regions\": [\"us-east-1\", 3]}";

    private readonly string _table = "confidant-op-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private string _atRestArn = string.Empty;
    private string _authKey = string.Empty;
    private string _userAuthKey = string.Empty;
    private string _scopedArn = string.Empty;
    private ConfidantProcess _app = null!;
    private Uri _url = null!;
    private KmsTokenGenerator _tokens = null!;

    public async Task InitializeAsync()
    {
        var (atRest, atRestArn) = await moto.CreateKeyAsync("at-rest");
        (_authKey, _) = await moto.CreateKeyAsync("auth");
        (_userAuthKey, _) = await moto.CreateKeyAsync("user-auth");
        (_, _scopedArn) = await moto.CreateKeyAsync("auth-sandbox");
        _atRestArn = atRestArn;
        _tokens = new KmsTokenGenerator(new AwsKmsKeyService(moto.Kms), TimeProvider.System);
        _app = ConfidantProcess.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DYNAMODB_TABLE"] = _table,
            ["DYNAMODB_TABLE_ARCHIVE"] = _table + "-archive",
            ["DYNAMODB_URL"] = dynalite.ServiceUrl,
            ["DYNAMODB_CREATE_TABLE"] = "True",
            ["KMS_MASTER_KEY"] = atRest,
            ["KMS_URL"] = moto.ServiceUrl,
            ["AUTH_CONTEXT"] = AuthContext,
            ["AUTH_KEY"] = _authKey,
            ["USER_AUTH_KEY"] = _userAuthKey,
            ["KMS_AUTH_USER_TYPES"] = "service,user",
            ["SCOPED_AUTH_KEYS"] = $"{{\"{_scopedArn}\": \"{Account}\"}}",
            ["CLIENT_CONFIG"] = ClientConfig,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "confidant-test",
            ["AWS_SECRET_ACCESS_KEY"] = "confidant-test",

            // IAM has no Confidant name (the original always used the regional endpoint): the AWS SDKs' own one.
            ["AWS_ENDPOINT_URL_IAM"] = moto.ServiceUrl,
        });
        _url = await _app.BaseAddressAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Start_ConfidantNamesOnly_WritesLandInDynamoDbUnderMotosKms()
    {
        using var alice = await ClientAsync("alice", "user", _userAuthKey);

        var created = await alice.PostAsync(
            new Uri("/v1/credentials", UriKind.Relative),
            Json("{\"name\": \"db\", \"credential_pairs\": {\"password\": \"hunter2\"}, \"enabled\": true}"));
        Assert.True(created.StatusCode == HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var line = await _app.WaitForLineAsync("Confidant starting (");
        Assert.Contains($"storage DynamoDb (table {_table}, archive table {_table}-archive", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Sqlite", _app.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_app.WorkingDirectory.File("App_Data")), "nothing may fall back to the local defaults");

        // The item is in the DynamoDB table, and its data key is a ciphertext of moto's KMS under KMS_MASTER_KEY.
        var item = (await dynalite.Client.GetItemAsync(_table, new Dictionary<string, AttributeValue> { ["id"] = new(id) })).Item;
        Assert.Equal("credential", item["data_type"].S);
        var dataKey = Convert.FromBase64String(Encoding.ASCII.GetString(item["data_key"].B.ToArray()));
        var decrypted = await moto.Kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(dataKey),
            EncryptionContext = new Dictionary<string, string> { ["id"] = id },
        });
        Assert.Equal(_atRestArn, decrypted.KeyId);
        var pairs = Fernet.Decrypt(Encoding.ASCII.GetString(decrypted.Plaintext.ToArray()), item["credential_pairs"].S);
        Assert.Equal("{\"password\": \"hunter2\"}", Encoding.UTF8.GetString(pairs));
    }

    [Fact]
    public async Task Start_ConfidantNamesOnly_ScopedArnKeyAccountsGrantsAndClientConfigWork()
    {
        var service = await moto.CreateRoleAsync("orders");
        using var alice = await ClientAsync("alice", "user", _userAuthKey);
        var first = await CreateCredentialAsync(alice, "db", "password");
        var second = await CreateCredentialAsync(alice, "cache", "token");

        // A person maps the service to the account of the scoped key: valid accounts are SCOPED_AUTH_KEYS' values.
        var put = await alice.PutAsync(
            new Uri($"/v1/services/{service}", UriKind.Relative),
            Json($"{{\"credentials\": [\"{first}\"], \"blind_credentials\": [], \"enabled\": true, \"account\": \"{Account}\"}}"));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());

        // confidant-client's add_creds: read the mapping, then write it back with its account and one more credential.
        var read = JsonNode.Parse(await alice.GetStringAsync(new Uri($"/v1/services/{service}?metadata_only=True", UriKind.Relative)))!;
        var addCreds = await alice.PutAsync(new Uri($"/v1/services/{service}", UriKind.Relative), Json(new JsonObject
        {
            ["id"] = service,
            ["account"] = read["account"]!.GetValue<string>(),
            ["enabled"] = read["enabled"]!.GetValue<bool>(),
            ["credentials"] = new JsonArray([.. new[] { first, second }.Order(StringComparer.Ordinal).Select(c => JsonValue.Create(c))]),
            ["blind_credentials"] = new JsonArray(),
        }.ToJsonString()));
        Assert.True(addCreds.StatusCode == HttpStatusCode.OK, await addCreds.Content.ReadAsStringAsync());

        // The service's token under the scoped key (named by its ARN) carries the account and reads its secrets.
        using var scoped = await ClientAsync(service, "service", _scopedArn);
        using var unscoped = await ClientAsync(service, "service", _authKey);
        var served = await scoped.GetAsync(new Uri($"/v1/services/{service}?metadata_only=False", UriKind.Relative));
        var refused = await unscoped.GetAsync(new Uri($"/v1/services/{service}", UriKind.Relative));
        Assert.True(served.StatusCode == HttpStatusCode.OK, await served.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await served.Content.ReadAsStringAsync())!;
        Assert.Equal(Account, body["account"]!.GetValue<string>());
        Assert.Equal(
            ["password=hunter2", "token=hunter2"],
            body["credentials"]!.AsArray().SelectMany(c => c!["credential_pairs"]!.AsObject().Select(p => $"{p.Key}={p.Value}")).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // With AWS KMS the role comes from IAM and the new service got both kmsauth grants on AUTH_KEY (spec §8.4).
        var grants = await moto.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = _authKey });
        Assert.Equal(2, grants.Grants.Count(g => g.GranteePrincipal.EndsWith($":role/{service}", StringComparison.Ordinal)));

        // CLIENT_CONFIG comes back with its JSON types, and the accounts from SCOPED_AUTH_KEYS.
        var config = JsonNode.Parse(await alice.GetStringAsync(new Uri("/v1/client_config", UriKind.Relative)))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ClientConfig), config["defined"]), config["defined"]!.ToJsonString());
        Assert.Equal([Account], config["generated"]!["aws_accounts"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.True(config["generated"]!["kms_auth_manage_grants"]!.GetValue<bool>());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string> CreateCredentialAsync(HttpClient client, string name, string key)
    {
        var response = await client.PostAsync(
            new Uri("/v1/credentials", UriKind.Relative),
            Json($"{{\"name\": \"{name}\", \"credential_pairs\": {{\"{key}\": \"hunter2\"}}, \"enabled\": true}}"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    /// <summary>A client with a kmsauth token minted through moto's KMS, as confidant-client mints it.</summary>
    private async Task<HttpClient> ClientAsync(string from, string userType, string key)
    {
        var token = await _tokens.GenerateAsync(key, from, AuthContext, userType);
        var client = new HttpClient { BaseAddress = _url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
        return client;
    }
}
