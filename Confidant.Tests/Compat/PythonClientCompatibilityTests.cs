using System.Diagnostics;
using System.Text.Json;
using Amazon.KeyManagementService;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Compat;

/// <summary>
/// The Python side of a Confidant deployment, rebuilt from its own libraries (boto3, requests, cryptography) in
/// <c>python_client.py</c>, against our server on a real socket with moto's KMS: a kmsauth token minted the Python way
/// is accepted and the service's secrets come back; what we store at rest decrypts the way the Python server decrypts;
/// <c>get_jwt</c> and <c>get_jwks</c> work and the token verifies with the published key.
/// </summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class PythonClientCompatibilityTests(MotoServerFixture moto) : IAsyncLifetime, IDisposable
{
    private const string To = "confidant-compat";

    private ConfidantWebFactory _factory = null!;
    private string _url = string.Empty;
    private string _authKey = string.Empty;
    private string _userAuthKey = string.Empty;

    public async Task InitializeAsync()
    {
        (_authKey, _) = await moto.CreateKeyAsync("confidant-auth");
        (_userAuthKey, _) = await moto.CreateKeyAsync("confidant-user-auth");
        var (atRest, _) = await moto.CreateKeyAsync("confidant-at-rest");
        _factory = new ConfidantWebFactory(
            new Dictionary<string, string?>
            {
                ["Kms:Provider"] = "Aws",
                ["Iam:Provider"] = "Configured",
                ["Kms:MasterKeyId"] = atRest,
                ["KmsAuth:AuthContext"] = To,
                ["KmsAuth:AuthKey"] = _authKey,
                ["Certificates:Provider"] = "Local",
                ["Certificates:Local:DomainRegex"] = @"(?P<service_name>[\w-]+)\.(?:svc|api)\.example\.com$",
                ["KmsAuth:UserAuthKey"] = _userAuthKey,
                ["KmsAuth:UserTypes:0"] = "service",
                ["KmsAuth:UserTypes:1"] = "user",
            },
            services => services.AddSingleton<IAmazonKeyManagementService>(moto.CreateKmsClient()));
        // The Python side mints tokens from the real clock.
        _factory.Time.SetUtcNow(TimeProvider.System.GetUtcNow());
        _factory.UseKestrel(0);
        _factory.StartServer();
        _url = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _factory?.Dispose();

    [Fact]
    public async Task GetService_TokenMintedByPythonKmsauth_ReturnsTheSecrets()
    {
        var credential = await Seed();

        using var owner = await RunPythonAsync("token", _url, moto.ServiceUrl, _authKey, "billing-production", To, "billing-production");
        using var other = await RunPythonAsync("token", _url, moto.ServiceUrl, _authKey, "web-production", To, "billing-production");

        Assert.Equal(200, owner.RootElement.GetProperty("status").GetInt32());
        var served = owner.RootElement.GetProperty("body").GetProperty("credentials")[0];
        Assert.Equal(credential.Item.Id, served.GetProperty("id").GetString());
        Assert.Equal("hunter2", served.GetProperty("credential_pairs").GetProperty("password").GetString());
        Assert.Equal(403, other.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task StoredCredential_DecryptsWithThePythonRecipe()
    {
        var credential = await Seed();
        var stored = Assert.IsType<CredentialItem>(await _factory.Services.GetRequiredService<IConfidantStore>().GetAsync(credential.Item.Id));

        using var pairs = await RunPythonAsync("decrypt", moto.ServiceUrl, stored.Id, stored.DataKey, stored.CredentialPairs);

        Assert.Equal("hunter2", pairs.RootElement.GetProperty("password").GetString());
        Assert.Equal("ops", pairs.RootElement.GetProperty("user").GetString());
    }

    [Fact]
    public async Task CertificateCalls_OfTheClient_WorkAndWhatIsIssuedVerifiesInPython()
    {
        using var found = await RunPythonAsync(
            "certificates", _url, moto.ServiceUrl, _authKey, "billing", To, "local", "billing.svc.example.com", "billing.api.example.com");
        var results = found.RootElement;

        Assert.Equal(200, results.GetProperty("list_cas").GetProperty("status").GetInt32());
        Assert.Equal(["local"], results.GetProperty("list_cas").GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["ca", "certificate", "certificate_chain", "tags"], Strings(results.GetProperty("get_ca").GetProperty("fields")));
        foreach (var label in new[] { "get_certificate", "get_certificate_with_san" })
        {
            var issued = results.GetProperty(label);
            Assert.True(issued.GetProperty("status").GetInt32() == 200, issued.GetRawText());
            Assert.Equal(["certificate", "certificate_chain", "key"], Strings(issued.GetProperty("fields")));
            Assert.True(issued.GetProperty("issued_by_ca").GetBoolean(), label);
            Assert.True(issued.GetProperty("key_is_pkcs1_rsa").GetBoolean(), label);
            Assert.True(issued.GetProperty("key_matches").GetBoolean(), label);
            Assert.Equal("billing.svc.example.com", issued.GetProperty("cn").GetString());
        }

        Assert.Equal(["billing.svc.example.com", "billing.api.example.com"], Strings(results.GetProperty("get_certificate_with_san").GetProperty("san")));

        // The shipped client sends no body here (spec §5): the documented 400, as from the original.
        var bodiless = results.GetProperty("get_certificate_from_csr");
        Assert.Equal(400, bodiless.GetProperty("status").GetInt32());
        Assert.Equal("csr must be provided in the POST body.", bodiless.GetProperty("body").GetProperty("error").GetString());
        var fromCsr = results.GetProperty("csr_with_body");
        Assert.True(fromCsr.GetProperty("status").GetInt32() == 200, fromCsr.GetRawText());
        Assert.Equal(["certificate", "certificate_chain"], Strings(fromCsr.GetProperty("fields")));
        Assert.True(fromCsr.GetProperty("issued_by_ca").GetBoolean());
        Assert.True(fromCsr.GetProperty("key_matches").GetBoolean());
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    [Fact]
    public async Task GetJwtAndGetJwks_UnchangedClientCalls_TokenVerifiesWithThePublishedKey()
    {
        using var result = await RunPythonAsync("jwt", _url, moto.ServiceUrl, _userAuthKey, "alice", To, "development", "bob", "600");

        var root = result.RootElement;
        Assert.True(root.GetProperty("get_jwt").GetProperty("result").GetBoolean());
        Assert.True(root.GetProperty("get_jwks").GetProperty("result").GetBoolean());
        Assert.True(root.GetProperty("verified").GetBoolean());
        var key = Assert.Single(root.GetProperty("get_jwks").GetProperty("keys").GetProperty("keys").EnumerateArray());
        Assert.Equal(("RS256", key.GetProperty("kid").GetString(), "JWT"), (root.GetProperty("header").GetProperty("alg").GetString(), root.GetProperty("header").GetProperty("kid").GetString(), root.GetProperty("header").GetProperty("typ").GetString()));
        var claims = root.GetProperty("claims");
        Assert.Equal((true, "alice", "bob"), (claims.GetProperty("is_service").GetBoolean(), claims.GetProperty("requester").GetString(), claims.GetProperty("user").GetString()));
        Assert.Equal(600, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
    }

    private async Task<Credential> Seed()
    {
        var credential = await _factory.Services.GetRequiredService<CredentialService>()
            .CreateAsync(ApiTestHost.Alice, TestData.Credential("db", ("password", "hunter2"), ("user", "ops")));
        await _factory.Services.GetRequiredService<ServiceMappingService>()
            .PutAsync(ApiTestHost.Alice, "billing-production", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        return credential;
    }

    private static async Task<JsonDocument> RunPythonAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Compat", "python_client.py"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"python_client.py failed: {await error}");
        return JsonDocument.Parse(await output);
    }
}
