using Amazon.KeyManagementService;
using Amazon.Runtime;
using Confidant.Services.Iam;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Iam;

/// <summary>The IAM role directory over real HTTP against moto's IAM, and kmsauth grants (spec §8.4) built on it.</summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class AwsIamRoleDirectoryTests(MotoServerFixture moto)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));

    private AwsIamRoleDirectory Directory(HttpClient http) => new(
        http,
        new BasicAWSCredentials("x", "x"),
        Options.Create(new IamOptions { Provider = "Aws", ServiceUrl = moto.ServiceUrl, RoleCacheSeconds = 600 }),
        _time);

    [Fact]
    public async Task ListAndGet_RolesInIam_AreFoundAndCached()
    {
        using var http = new HttpClient();
        using var directory = Directory(http);
        var first = await moto.CreateRoleAsync("billing");

        var listed = await directory.ListRoleNamesAsync();
        var arn = await directory.GetRoleArnAsync(first);
        var missing = await directory.GetRoleArnAsync("no-such-role-" + first);
        var second = await moto.CreateRoleAsync("web");
        var cached = await directory.ListRoleNamesAsync();
        _time.Advance(TimeSpan.FromSeconds(601));
        var refreshed = await directory.ListRoleNamesAsync();

        Assert.Contains(first, listed);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Matches($"^arn:aws:iam::[0-9]{{12}}:role/{first}$", arn);
        Assert.Null(missing);
        Assert.DoesNotContain(second, cached);
        Assert.Contains(second, refreshed);
    }

    [Fact]
    public async Task Grants_EnsureForRoleInIam_CreatesBothGrantsOnce()
    {
        using var http = new HttpClient();
        var role = await moto.CreateRoleAsync("svc");
        var (authKey, _) = await moto.CreateKeyAsync("confidant-auth");
        await using var host = await DomainHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Kms:Provider"] = "Aws",
                ["Kms:MasterKeyId"] = authKey,
                ["KmsAuth:AuthKey"] = authKey,
                ["KmsAuth:MinimumTokenVersion"] = "2",
                ["Iam:Provider"] = "Aws",
                ["Iam:ServiceUrl"] = moto.ServiceUrl,
            },
            configureServices: services =>
            {
                services.AddSingleton<IAmazonKeyManagementService>(moto.CreateKmsClient());
                services.AddSingleton<IRoleDirectory>(sp => Directory(http));
            });
        var grants = host.Get<KmsGrantService>();

        // Written to the store directly: creating a service through the domain would ensure its grants at once.
        await host.Get<IConfidantStore>().WriteRevisionAsync(StoredItemSamples.Service(role));
        await host.Get<IConfidantStore>().WriteRevisionAsync(StoredItemSamples.Service("no-such-role"));
        var before = await grants.CheckAsync(DomainHost.Alice, role);
        var ensured = await grants.EnsureAsync(DomainHost.Alice, role);
        var after = await grants.CheckAsync(DomainHost.Alice, role);
        await grants.EnsureAsync(DomainHost.Alice, role);
        var unknown = await grants.CheckAsync(DomainHost.Alice, "no-such-role");

        Assert.Equal(new GrantStatus(false, false), before);
        Assert.Equal(new GrantStatus(true, true), ensured);
        Assert.Equal(new GrantStatus(true, true), after);
        Assert.Equal(new GrantStatus(false, false), unknown);
        var keyId = (await moto.Kms.DescribeKeyAsync(authKey)).KeyMetadata.KeyId;
        var listed = await moto.Kms.ListGrantsAsync(new Amazon.KeyManagementService.Model.ListGrantsRequest { KeyId = keyId });
        Assert.Equal(2, listed.Grants.Count);
        Assert.Contains(listed.Grants, g => g.Constraints.EncryptionContextSubset.TryGetValue("from", out var from) && from == role
            && g.Constraints.EncryptionContextSubset["user_type"] == "service");
    }
}
