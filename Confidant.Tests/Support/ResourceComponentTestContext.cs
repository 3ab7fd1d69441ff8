using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Support;

/// <summary>
/// A bUnit context whose components use the real domain services (temp SQLite + local key ring) for credentials,
/// blind credentials and services, with a person signed in.
/// </summary>
public abstract class ResourceComponentTestContext : ComponentTestContext, IAsyncLifetime
{
    private DomainHost? _host;

    /// <summary>Settings over the domain host's defaults, e.g. a storage path; read when the test starts.</summary>
    protected Dictionary<string, string?> DomainSettings { get; } = [];

    protected DomainHost Host => _host ?? throw new InvalidOperationException("The domain host has not started.");

    async Task IAsyncLifetime.InitializeAsync()
    {
        _host = await DomainHost.StartAsync(DomainSettings);
        AddDomainServices(_host);
        Services.AddSingleton(Options.Create(new AuthOptions()));
        SignIn(Confidant.Services.Authorization.ConfidantRoles.Reader);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }


    protected Task<Credential> CreateCredentialAsync(string name) =>
        Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential(name, ("k", "v")));

    protected Task<Confidant.Services.Storage.BlindCredentialItem> CreateBlindCredentialAsync(string name, params string[] keys) =>
        Host.Get<BlindCredentialService>().CreateAsync(DomainHost.Alice, new BlindCredentialInput
        {
            Name = name,
            CredentialPairs = TestData.Json("""{"us-east-1": "c2VhbGVk", "eu-west-1": "c2VhbGVkMg=="}"""),
            DataKey = TestData.Json("""{"us-east-1": "a2V5", "eu-west-1": "a2V5Mg=="}"""),
            CipherType = "fernet",
            CipherVersion = 2,
            CredentialKeys = keys,
            Metadata = TestData.Json("""{"owner": "payments"}"""),
            Documentation = "rotate with the client",
        });

    protected Task<ServiceMapping> CreateServiceAsync(string id, IReadOnlyList<string>? credentials = null, IReadOnlyList<string>? blindCredentials = null) =>
        Host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, id, new ServiceMappingInput
        {
            Credentials = credentials ?? [],
            BlindCredentials = blindCredentials ?? [],
        });
}
