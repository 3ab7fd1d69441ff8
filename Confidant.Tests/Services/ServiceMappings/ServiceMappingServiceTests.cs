using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Iam;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.ServiceMappings;

public sealed class ServiceMappingServiceTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private ServiceMappingService Mappings => _host.Get<ServiceMappingService>();

    private CredentialService Credentials => _host.Get<CredentialService>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetAsync_OwningService_ReadsDecryptedPairs()
    {
        var db = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p")));
        await Mappings.PutAsync(DomainHost.Alice, "billing-production", new ServiceMappingInput { Credentials = [db.Item.Id] });

        var mapping = await Mappings.GetAsync(ConfidantPrincipal.ForService("billing-production"), "billing-production");

        var credential = Assert.Single(mapping.Credentials);
        Assert.Equal("p", TestData.Value(credential.Pairs, "password"));
        Assert.Equal(1, mapping.Item.Revision);
    }

    [Fact]
    public async Task GetAsync_OtherService_Forbidden()
    {
        await Mappings.PutAsync(DomainHost.Alice, "billing-production", new ServiceMappingInput { Credentials = [] });

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Mappings.GetAsync(ConfidantPrincipal.ForService("web-production"), "billing-production"));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Equal("web-production does not have access to get service billing-production", error.Message);
    }

    [Fact]
    public async Task GetAsync_MetadataOnly_KeysWithoutValues()
    {
        var db = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p")));
        await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [db.Item.Id] });

        var mapping = await Mappings.GetAsync(ConfidantPrincipal.ForService("svc"), "svc", metadataOnly: true);

        var credential = Assert.Single(mapping.Credentials);
        Assert.Equal(["password"], credential.Keys);
        Assert.Null(credential.Pairs);
    }

    [Fact]
    public async Task GetAsync_DisabledCredential_NotServedToWorkloadButShownToPeople()
    {
        var db = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p")));
        await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [db.Item.Id] });
        await Credentials.UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Enabled = false });

        var asWorkload = await Mappings.GetAsync(ConfidantPrincipal.ForService("svc"), "svc");
        var asPerson = await Mappings.GetAsync(DomainHost.Alice, "svc");

        Assert.Empty(asWorkload.Credentials);
        Assert.Single(asPerson.Credentials);
    }

    [Fact]
    public async Task PutAsync_TwoCredentialsSharingAKey_ConflictNamesBoth()
    {
        var a = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));
        var b = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("b", ("PASSWORD", "2"), ("user", "u")));

        var error = await Assert.ThrowsAsync<KeyConflictException>(() =>
            Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [a.Item.Id, b.Item.Id] }));

        Assert.Equal("Conflicting key pairs in mapped service.", error.Message);
        var conflict = Assert.Single(error.Conflicts);
        Assert.Equal("password", conflict.Key);
        Assert.Equal(new[] { a.Item.Id, b.Item.Id }.Order(StringComparer.Ordinal), conflict.Value.Credentials);
        await Assert.ThrowsAsync<ConfidantException>(() => Mappings.GetAsync(DomainHost.Alice, "svc"));
    }

    [Fact]
    public async Task UpdateCredential_KeyCollidingWithinMappedService_ConflictNamesServiceAndCredential()
    {
        var a = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));
        var b = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("b", ("user", "u")));
        await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [a.Item.Id, b.Item.Id] });

        var error = await Assert.ThrowsAsync<KeyConflictException>(() =>
            Credentials.UpdateAsync(DomainHost.Alice, b.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("user", "u"), ("password", "2")) }));

        var conflict = Assert.Single(error.Conflicts);
        Assert.Equal("password", conflict.Key);
        Assert.Equal([a.Item.Id], conflict.Value.Credentials);
        Assert.Equal(["svc"], conflict.Value.Services);
        Assert.Equal(1, (await _host.Get<CredentialReader>().GetAsync(DomainHost.Alice, b.Item.Id)).Item.Revision);
    }

    [Fact]
    public async Task PutAsync_UnknownCredentialIds_AreDroppedAndRevisionsAdvance()
    {
        var a = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));

        var first = await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [a.Item.Id, "ffffffffffffffffffffffffffffffff", a.Item.Id] });
        var second = await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [] });

        Assert.Equal([a.Item.Id], first.Item.Credentials);
        Assert.Equal(2, second.Item.Revision);
        Assert.Empty(second.Item.Credentials);
        Assert.Equal([1, 2], (await Mappings.ListRevisionsAsync(DomainHost.Alice, "svc")).Select(r => r.Revision));
    }

    [Fact]
    public async Task PutAsync_ServiceCaller_CannotCreateOrRemap()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Mappings.PutAsync(ConfidantPrincipal.ForService("svc"), "svc", new ServiceMappingInput { Credentials = [] }));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Empty((await Mappings.ListAsync(DomainHost.Alice)).Items);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("tab\there")]
    public async Task PutAsync_InvalidServiceId_BadRequest(string id)
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Mappings.PutAsync(DomainHost.Alice, id, new ServiceMappingInput()));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
    }

    [Fact]
    public async Task PutAsync_AccountNotConfigured_BadRequest()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Account = "prod" }));

        Assert.Equal("{0} is not a valid account.", error.Message);
    }

    [Fact]
    public async Task RevertAsync_RestoresOldMappingAndDiffShowsIt()
    {
        var a = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));
        await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [a.Item.Id] });
        await Mappings.PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [] });

        var reverted = await Mappings.RevertAsync(DomainHost.Alice, "svc", 1);
        var diff = await Mappings.DiffAsync(DomainHost.Alice, "svc", 2, 3);
        var same = await Assert.ThrowsAsync<ConfidantException>(() => Mappings.RevertAsync(DomainHost.Alice, "svc", 1));

        Assert.Equal(3, reverted.Item.Revision);
        Assert.Equal([a.Item.Id], reverted.Item.Credentials);
        Assert.Equal([a.Item.Id], diff["credentials"]!["added"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("No difference between old and new service.", same.Message);
    }

    [Fact]
    public async Task ListServicesUsingAsync_FindsMappingServices()
    {
        var a = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));
        await Mappings.PutAsync(DomainHost.Alice, "one", new ServiceMappingInput { Credentials = [a.Item.Id] });
        await Mappings.PutAsync(DomainHost.Alice, "two", new ServiceMappingInput { Credentials = [a.Item.Id], Enabled = false });
        await Mappings.PutAsync(DomainHost.Alice, "three", new ServiceMappingInput { Credentials = [] });

        var using_ = await Mappings.ListServicesUsingAsync(DomainHost.Alice, AclResources.Credential, a.Item.Id);

        Assert.Equal([new ServiceReference("one", true), new ServiceReference("two", false)], using_.OrderBy(s => s.Id, StringComparer.Ordinal));
        var archive = await Assert.ThrowsAsync<ConfidantException>(async () =>
        {
            await Credentials.UpdateAsync(DomainHost.Alice, a.Item.Id, new CredentialInput { Enabled = false });
            await Credentials.ArchiveAsync(DomainHost.Alice, a.Item.Id, force: true);
        });
        Assert.Equal("Credential has mapped services", archive.Message);
    }

    [Fact]
    public async Task DomainReads_CallerWithoutAccess_RefusedBeforeAnythingIsRead()
    {
        // One enforcement point: every public read of the domain takes the caller and decides.
        var credential = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        var workload = ConfidantPrincipal.ForService("billing");
        var nobody = ConfidantPrincipal.ForUser("nobody@example.com", roles: new HashSet<string>());
        var conflicts = _host.Get<CredentialConflictDetector>();

        var refusals = new List<ConfidantException>
        {
            await Assert.ThrowsAsync<ConfidantException>(() => Mappings.ListServicesUsingAsync(workload, AclResources.Credential, credential.Item.Id)),
            await Assert.ThrowsAsync<ConfidantException>(() => Mappings.ListServicesUsingAsync(nobody, AclResources.BlindCredential, credential.Item.Id)),
            await Assert.ThrowsAsync<ConfidantException>(() => conflicts.FindForCredentialAsync(workload, credential.Item.Id, ["password"], default)),
            await Assert.ThrowsAsync<ConfidantException>(() => conflicts.FindInMappingAsync(nobody, [credential.Item.Id], [], default)),
            await Assert.ThrowsAsync<ConfidantException>(() => _host.Get<KmsGrantService>().CheckAsync(workload, "web")),
            await Assert.ThrowsAsync<ConfidantException>(() => _host.Get<KmsGrantService>().EnsureAsync(workload, "billing")),
            await Assert.ThrowsAsync<ConfidantException>(() => _host.Get<RoleNames>().ListAsync(workload)),
        };

        Assert.All(refusals, e => Assert.Equal(ConfidantErrorKind.Forbidden, e.Kind));
    }

    [Fact]
    public async Task ListServicesUsingAsync_BlindCredential_OnlyServicesMappingItAsBlind()
    {
        var credential = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("password", "1")));
        await Mappings.PutAsync(DomainHost.Alice, "plain", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        await Mappings.PutAsync(DomainHost.Alice, "blind", new ServiceMappingInput { BlindCredentials = [credential.Item.Id] });

        var asCredential = await Mappings.ListServicesUsingAsync(DomainHost.Alice, AclResources.Credential, credential.Item.Id);
        var asBlind = await Mappings.ListServicesUsingAsync(DomainHost.Alice, AclResources.BlindCredential, credential.Item.Id);

        Assert.Equal(["plain"], asCredential.Select(s => s.Id));
        Assert.Equal(["blind"], asBlind.Select(s => s.Id));
    }
}
