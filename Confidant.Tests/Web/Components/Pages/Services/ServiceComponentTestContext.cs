using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Components.Pages.Services;

/// <summary>bUnit context for the service pages: the real domain services on temp SQLite and a local key ring.</summary>
public abstract class ServiceComponentTestContext : ComponentTestContext, IAsyncLifetime
{
    protected DomainHost Host { get; private set; } = null!;

    /// <summary>Settings on top of the embedded defaults.</summary>
    protected virtual Dictionary<string, string?> Settings { get; } = new()
    {
        ["Iam:Roles:0"] = "payments-api",
        ["Iam:Roles:1"] = "billing-worker",
        ["Iam:AccountId"] = "123456789012",
        ["KmsAuth:ScopedAuthKeys:0:Key"] = "alias/confidant-auth-prod",
        ["KmsAuth:ScopedAuthKeys:0:Account"] = "prod",
        ["KmsAuth:ScopedAuthKeys:1:Key"] = "alias/confidant-auth-staging",
        ["KmsAuth:ScopedAuthKeys:1:Account"] = "staging",
    };

    protected ServiceMappingService Mappings => Host.Get<ServiceMappingService>();

    async Task IAsyncLifetime.InitializeAsync()
    {
        Host = await DomainHost.StartAsync(Settings);
        AddDomainServices(Host);
        SignIn(ConfidantRoles.Admin);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Host.DisposeAsync();
    }


    protected async Task<string> CreateCredentialAsync(string name, bool enabled = true, params string[] keys)
    {
        var input = TestData.Credential(name, [.. keys.Select(k => (k, "value-of-" + k))]) with { Enabled = enabled };
        return (await Host.Get<CredentialService>().CreateAsync(DomainHost.Alice, input)).Item.Id;
    }

    protected async Task<string> CreateBlindCredentialAsync(string name, params string[] keys) =>
        (await Host.Get<BlindCredentialService>().CreateAsync(DomainHost.Alice, new BlindCredentialInput
        {
            Name = name,
            CredentialPairs = TestData.Json("{\"us-east-1\": \"gAAAAABfake\"}"),
            DataKey = TestData.Json("{\"us-east-1\": \"AQICAHh=\"}"),
            CipherType = "fernet",
            CipherVersion = 2,
            CredentialKeys = keys,
        })).Id;

    protected Task<ServiceMapping> CreateServiceAsync(string id, params string[] credentialIds) =>
        Mappings.PutAsync(DomainHost.Alice, id, new ServiceMappingInput { Credentials = credentialIds });

    protected Task<ServiceMapping> StoredAsync(string id) => Mappings.GetAsync(DomainHost.Alice, id, metadataOnly: true);
}
