using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Audit;

/// <summary>Every reveal and every change is on record with who did it, from where (issue: people and audit).</summary>
public sealed class AuditRecordingTests : IAsyncLifetime
{
    private static readonly ConfidantPrincipal Bob =
        ConfidantPrincipal.ForUser("bob@example.com") with { Subject = "oidc-sub-42", Address = "192.0.2.7" };

    private DomainHost _host = null!;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<AuditEntry>> TrailAsync(string? resourceId = null) =>
        (await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: resourceId, Limit: 100))).Records.Select(r => r.Entry).ToList();

    [Fact]
    public async Task Reveal_IsRecordedWithIdentityAndAddress_MetadataOnlyIsNot()
    {
        var created = await _host.Get<CredentialService>().CreateAsync(Bob, TestData.Credential("db", ("password", "s3cret")));
        var reader = _host.Get<CredentialReader>();

        await reader.GetAsync(Bob, created.Item.Id, metadataOnly: true);
        await reader.GetAsync(Bob, created.Item.Id);

        var trail = await TrailAsync(created.Item.Id);
        // The create's answer echoed the values it stored: a delivery of its own.
        Assert.Equal([AuditActions.Reveal, AuditActions.UpdateEcho, AuditActions.Create], trail.Select(e => e.Action));
        var reveal = trail[0];
        Assert.Equal(("bob@example.com", "user", "oidc-sub-42", "192.0.2.7", 1), (reveal.Actor.Name, reveal.Actor.Type, reveal.Actor.Subject, reveal.Origin.Address, reveal.Revision));
        Assert.Equal((AuditOutcomes.Delivered, AuditOutcomes.Delivered, AuditOutcomes.Succeeded), (reveal.Outcome, trail[1].Outcome, trail[2].Outcome));
        Assert.DoesNotContain(trail, e => (e.Via ?? string.Empty).Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReaderWithoutRevealRight_RevealRecordedAsDeniedOnly()
    {
        var created = await _host.Get<CredentialService>().CreateAsync(Bob, TestData.Credential("db", ("password", "s3cret")));
        var reader = Bob with { Roles = new HashSet<string> { ConfidantRoles.Reader } };

        var seen = await _host.Get<CredentialReader>().GetAsync(reader, created.Item.Id);

        Assert.Null(seen.Pairs);
        var reveals = (await TrailAsync(created.Item.Id)).Where(e => e.Action == AuditActions.Reveal).ToList();
        Assert.Equal(AuditOutcomes.Denied, Assert.Single(reveals).Outcome);
    }

    [Fact]
    public async Task ServiceRead_OneRecordListingEveryCredentialServed()
    {
        var credentials = _host.Get<CredentialService>();
        var a = await credentials.CreateAsync(Bob, TestData.Credential("a", ("k1", "v")));
        var b = await credentials.CreateAsync(Bob, TestData.Credential("b", ("k2", "v")));
        await _host.Get<ServiceMappingService>().PutAsync(Bob, "billing", new ServiceMappingInput { Credentials = [a.Item.Id, b.Item.Id] });

        await _host.Get<ServiceMappingService>().GetAsync(ConfidantPrincipal.ForService("billing"), "billing");
        await _host.Get<ServiceMappingService>().GetAsync(ConfidantPrincipal.ForService("billing"), "billing", metadataOnly: true);

        var read = Assert.Single(await TrailAsync(), e => e.Action == AuditActions.ServiceRead);
        Assert.Equal(("service", "billing", "billing"), (read.ResourceType, read.ResourceId, read.Via));
        Assert.Equal(new[] { (a.Item.Id, 1), (b.Item.Id, 1) }.Order(), read.Items.Select(i => (i.Id, i.Revision ?? 0)).Order());
        Assert.All(read.Items, i => Assert.Equal("credential", i.ResourceType));
        Assert.Equal(("billing", "service", AuditAuthMethods.KmsAuth), (read.Actor.Name, read.Actor.Type, read.Actor.AuthMethod));
        Assert.Equal(AuditOutcomes.Delivered, read.Outcome);
        var forA = Assert.Single(await TrailAsync(a.Item.Id), e => e.Action == AuditActions.ServiceRead);
        Assert.Equal(read.Items.Select(i => i.Id), forA.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Changes_AreRecordedWithTheirRevisions()
    {
        var credentials = _host.Get<CredentialService>();
        var created = await credentials.CreateAsync(Bob, TestData.Credential("db", ("password", "1")));
        await credentials.UpdateAsync(Bob, created.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "2")) });
        await credentials.RevertAsync(Bob, created.Item.Id, 1);
        await _host.Get<ServiceMappingService>().PutAsync(Bob, "svc", new ServiceMappingInput { Credentials = [created.Item.Id] });
        var blind = await _host.Get<BlindCredentialService>().CreateAsync(Bob, new BlindCredentialInput
        {
            Name = "blind",
            CredentialPairs = TestData.Json("{\"us-east-1\": \"x\"}"),
            DataKey = TestData.Json("{\"us-east-1\": \"y\"}"),
            CipherType = "fernet",
            CipherVersion = 2,
        });

        var credentialTrail = await TrailAsync(created.Item.Id);
        var serviceTrail = await TrailAsync("svc");
        var blindTrail = await TrailAsync(blind.Id);

        Assert.Equal([(AuditActions.Revert, 3), (AuditActions.UpdateEcho, 2), (AuditActions.Update, 2), (AuditActions.UpdateEcho, 1), (AuditActions.Create, 1)], credentialTrail.Select(e => (e.Action, e.Revision!.Value)));
        Assert.Equal((AuditActions.Create, "service", 1), (serviceTrail.Single().Action, serviceTrail.Single().ResourceType, serviceTrail.Single().Revision!.Value));
        Assert.Equal(AuditActions.Create, blindTrail.Single().Action);
    }
}
