using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;

namespace Confidant.Tests.Support;

/// <summary>
/// The real app on Kestrel (127.0.0.1, a free port) signing people in through a <see cref="TestIdentityProvider"/>,
/// either as a generic OpenID Connect provider or Entra-shaped through Microsoft.Identity.Web. Roles: group
/// <c>grp-readers</c> → reader, <c>grp-editors</c> → editor, app role <c>Confidant.Admin</c> → admin; only
/// <c>example.com</c> addresses are allowed. One credential and one service mapping are seeded.
/// </summary>
public sealed class ExternalSignInHost : IAsyncDisposable
{
    public const string ServiceId = "payments-production";

    private ExternalSignInHost(TestIdentityProvider provider, ApiTestHost api, Uri app, Credential credential)
    {
        Provider = provider;
        Api = api;
        App = app;
        Credential = credential;
    }

    public TestIdentityProvider Provider { get; }

    public ApiTestHost Api { get; }

    public Uri App { get; }

    public Credential Credential { get; }

    /// <summary>Starts a provider and the app; <paramref name="extra"/> settings win over the ones here.</summary>
    public static async Task<ExternalSignInHost> StartAsync(bool entraId, IReadOnlyDictionary<string, string?>? extra = null, bool providerSignOut = true)
    {
        var provider = await TestIdentityProvider.StartAsync(entraShaped: entraId, endSession: providerSignOut);
        var settings = new Dictionary<string, string?>
        {
            // Without the "@" on purpose: the suffix must still match whole domains only.
            ["Auth:AllowedEmailSuffix"] = "example.com",
            ["Auth:Roles:Reader:0"] = "grp-readers",
            ["Auth:Roles:Editor:0"] = "grp-editors",
            ["Auth:Roles:Admin:0"] = "Confidant.Admin",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (entraId)
        {
            settings["Auth:Mode"] = "EntraId";
            settings["AzureAd:Instance"] = provider.BaseAddress.AbsoluteUri;
            settings["AzureAd:TenantId"] = TestIdentityProvider.TenantId;
            settings["AzureAd:ClientId"] = TestIdentityProvider.ClientId;
            settings["AzureAd:ClientSecret"] = TestIdentityProvider.ClientSecret;

            // The only relaxation: the test provider speaks plain http on loopback.
            settings["AzureAd:RequireHttpsMetadata"] = "false";
        }
        else
        {
            settings["Auth:Mode"] = "Oidc";
            settings["Auth:Oidc:Authority"] = provider.Issuer.AbsoluteUri;
            settings["Auth:Oidc:ClientId"] = TestIdentityProvider.ClientId;
            settings["Auth:Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret;
            settings["Auth:Oidc:RequireHttpsMetadata"] = "false";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var api = ApiTestHost.Create(settings);
        var app = KestrelAddress.Start(api.Factory);
        provider.AllowRelyingParty(app);

        var credential = await api.CreateCredentialAsync("payments-db", ("password", "s3cr3t-value"));
        await api.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, ServiceId, new ServiceMappingInput { Credentials = [credential.Item.Id] });
        return new ExternalSignInHost(provider, api, app, credential);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
