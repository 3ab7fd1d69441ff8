using Amazon.KeyManagementService.Model;
using Confidant.Services.Audit;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// <c>grants ensure --all</c> and <c>grants revoke --all</c> against AWS KMS (moto) with the store on dynalite: the
/// grants land on and leave the auth key, and every change is recorded as the operator's.
/// </summary>
[Collection(AwsBackendCollection.Name)]
public sealed class GrantsCommandTests(DynaliteFixture dynalite, MotoServerFixture moto)
{
    private const string Account = "123456789012";

    [Fact]
    public async Task EnsureThenRevoke_AllServices_GrantsAppearForServicesWithRolesThenAllAreGone()
    {
        // A key of this test's own: revoking every grant on the shared auth key would touch other tests' grants.
        var (authKey, _) = await moto.CreateKeyAsync("grants-command");
        await using var host = await ApiTestHost.CreateAsync(ApiBackend.Aws(dynalite, moto), new Dictionary<string, string?>
        {
            ["KmsAuth:AuthKey"] = authKey,
            ["Iam:AccountId"] = Account,
            ["Iam:Roles:0"] = "billing",
        });

        // Written to the store directly: creating a service through the domain would ensure its grants at once.
        await host.Get<IConfidantStore>().WriteRevisionAsync(StoredItemSamples.Service("billing"));
        await host.Get<IConfidantStore>().WriteRevisionAsync(StoredItemSamples.Service("no-role"));
        var keyId = (await moto.Kms.DescribeKeyAsync(authKey)).KeyMetadata.KeyId;

        var ensure = await CommandBackend.RunAsync(host.Factory.Services, "grants", "ensure", "--all");
        var granted = (await moto.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = keyId })).Grants;
        var revoke = await CommandBackend.RunAsync(host.Factory.Services, "grants", "revoke", "--all");
        var left = (await moto.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = keyId })).Grants ?? [];

        Assert.True(ensure.Exit == 0, ensure.Error);
        Assert.Contains("billing: encrypt and decrypt grants in place", ensure.Output, StringComparison.Ordinal);
        Assert.Contains("no-role: no grants", ensure.Output, StringComparison.Ordinal);
        Assert.Contains("grants ensure: 1 of 2 services hold their grants, 0 failed", ensure.Output, StringComparison.Ordinal);
        Assert.Equal(2, granted.Count);
        Assert.All(granted, g => Assert.Equal($"arn:aws:iam::{Account}:role/billing", g.GranteePrincipal));

        Assert.True(revoke.Exit == 0, revoke.Error);
        Assert.Contains("grants revoke: 2 grants revoked", revoke.Output, StringComparison.Ordinal);
        Assert.Empty(left);
        Assert.Equal(new GrantStatus(false, false), await host.Get<KmsGrantService>().CheckAsync(ApiTestHost.Alice, "billing"));

        var ensured = await CommandBackend.CommandEntriesAsync(host, "grants ensure");
        Assert.Equal(["billing", "no-role"], ensured.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        var revoked = await CommandBackend.CommandEntriesAsync(host, "grants revoke");
        Assert.Equal(granted.Select(g => g.GrantId).Order(StringComparer.Ordinal), revoked.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        Assert.All(ensured.Concat(revoked), e => Assert.Equal((AuditActions.Grants, AuditAuthMethods.Command), (e.Action, e.Actor.AuthMethod)));
    }

    [Fact]
    public async Task Ensure_OnTheLocalKeyRing_SaysThereAreNoGrantsAndFails()
    {
        await using var host = ApiTestHost.Create();

        var (exit, _, error) = await CommandBackend.RunAsync(host.Factory.Services, "grants", "ensure", "--all");

        Assert.Equal(1, exit);
        Assert.Contains("The key service has no grants", error, StringComparison.Ordinal);
    }
}
