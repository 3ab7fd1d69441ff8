using Confidant.Services.Iam;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Iam;

/// <summary>
/// Where roles come from when <c>Iam:Provider</c> is not set: IAM with AWS KMS, as the original (spec §8.3, §8.4),
/// so that a new service gets its kmsauth grants; the configured list with the local key ring.
/// </summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class IamServiceCollectionExtensionsTests(MotoServerFixture moto)
{
    [Fact]
    public async Task AddConfidantIam_AwsKmsWithoutIamProvider_NewServiceGetsGrantsForItsIamRole()
    {
        var role = await moto.CreateRoleAsync("payments");
        await using var host = await StartAsync(new Dictionary<string, string?>());

        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, role, new ServiceMappingInput());

        Assert.Equal(IamOptions.AwsProvider, host.Get<IOptions<IamOptions>>().Value.Provider);
        Assert.Contains(role, await host.Get<IRoleDirectory>().ListRoleNamesAsync());
        Assert.Equal(new GrantStatus(true, true), await host.Get<KmsGrantService>().CheckAsync(DomainHost.Alice, role));
    }

    [Fact]
    public async Task AddConfidantIam_ManageGrantsFalse_RolesFromIamButNoGrantsCreated()
    {
        // KMS_AUTH_MANAGE_GRANTS=false: "ensure" does nothing, the check still runs (spec §8.4).
        var role = await moto.CreateRoleAsync("payments");
        await using var host = await StartAsync(new Dictionary<string, string?> { ["KmsAuth:ManageGrants"] = "false" });

        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, role, new ServiceMappingInput());

        Assert.Contains(role, await host.Get<IRoleDirectory>().ListRoleNamesAsync());
        Assert.Equal(new GrantStatus(false, false), await host.Get<KmsGrantService>().CheckAsync(DomainHost.Alice, role));
    }

    [Fact]
    public async Task AddConfidantIam_AwsKmsWithExplicitConfiguredProvider_ConfiguredRolesOnly()
    {
        await moto.CreateRoleAsync("payments");
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Iam:Provider"] = "Configured",
            ["Iam:Roles:0"] = "listed-role",
        });

        Assert.Equal(["listed-role"], await host.Get<IRoleDirectory>().ListRoleNamesAsync());
    }

    [Fact]
    public async Task AddConfidantIam_LocalKeyRing_ConfiguredRoles()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Iam:Roles:0"] = "listed-role" });

        Assert.Equal(IamOptions.ConfiguredProvider, host.Get<IOptions<IamOptions>>().Value.Provider);
        Assert.Equal(["listed-role"], await host.Get<IRoleDirectory>().ListRoleNamesAsync());
    }

    /// <summary>AWS KMS and IAM on moto, reached through settings only, as a deployment reaches them.</summary>
    private async Task<DomainHost> StartAsync(Dictionary<string, string?> settings)
    {
        MotoServerFixture.ProvideDefaultCredentials();
        var (authKey, _) = await moto.CreateKeyAsync("confidant-auth");
        var all = new Dictionary<string, string?>
        {
            ["Kms:Provider"] = "Aws",
            ["Kms:MasterKeyId"] = authKey,
            ["Kms:ServiceUrl"] = moto.ServiceUrl,
            ["KmsAuth:AuthKey"] = authKey,
            ["Iam:ServiceUrl"] = moto.ServiceUrl,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return await DomainHost.StartAsync(all);
    }
}
