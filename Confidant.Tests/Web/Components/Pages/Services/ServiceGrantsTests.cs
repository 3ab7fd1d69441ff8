using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Bunit;
using Confidant.Services.Maintenance;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Components.Pages.Services;

/// <summary>The grants panel against KMS grants kept by moto over HTTP (spec §8.4).</summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class ServiceGrantsTests(MotoServerFixture moto) : ComponentTestContext, IAsyncLifetime
{
    private DomainHost _host = null!;
    private string _authKey = string.Empty;

    async Task IAsyncLifetime.InitializeAsync()
    {
        (_authKey, _) = await moto.CreateKeyAsync("confidant-auth");
        _host = await DomainHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Kms:Provider"] = "Aws",
                ["Kms:MasterKeyId"] = _authKey,
                ["KmsAuth:AuthKey"] = _authKey,
                ["Iam:Provider"] = "Configured",
                ["Iam:Roles:0"] = "payments-api",
                ["Iam:AccountId"] = "123456789012",
            },
            configureServices: services => services.AddSingleton<IAmazonKeyManagementService>(moto.CreateKmsClient()));
        Services.AddSingleton(_host.Get<KmsGrantService>());
        Services.AddSingleton(_host.Get<MaintenanceMode>());

        // Written to the store directly: creating a service through the domain would ensure its grants at once.
        await _host.Get<IConfidantStore>().WriteRevisionAsync(StoredItemSamples.Service("payments-api"));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task EnsureGrants_Admin_CreatesBothGrantsAndShowsThemPresent()
    {
        var panel = Render<ServiceGrants>(p => p.Add(g => g.Caller, DomainHost.Alice).Add(g => g.ServiceId, "payments-api").Add(g => g.CanEnsure, true));
        await panel.WaitForAssertionAsync(() => Assert.Equal("Encrypt grant: missing", panel.Find("#grant-encrypt").TextContent));
        Assert.Equal("Decrypt grant: missing", panel.Find("#grant-decrypt").TextContent);

        await panel.Find("#ensure-grants").ClickAsync(new());

        await panel.WaitForAssertionAsync(() => Assert.Equal("Encrypt grant: present", panel.Find("#grant-encrypt").TextContent));
        Assert.Equal("Decrypt grant: present", panel.Find("#grant-decrypt").TextContent);
        var keyId = (await moto.Kms.DescribeKeyAsync(_authKey)).KeyMetadata.KeyId;
        var grants = (await moto.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = keyId })).Grants;
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal("arn:aws:iam::123456789012:role/payments-api", g.GranteePrincipal));
    }

    [Fact]
    public async Task Render_NotAdmin_ShowsStatusWithoutEnsure()
    {
        var panel = Render<ServiceGrants>(p => p.Add(g => g.Caller, DomainHost.Alice).Add(g => g.ServiceId, "payments-api").Add(g => g.CanEnsure, false));

        await panel.WaitForAssertionAsync(() => Assert.Equal("Encrypt grant: missing", panel.Find("#grant-encrypt").TextContent));
        Assert.Empty(panel.FindAll("#ensure-grants"));
    }
}
