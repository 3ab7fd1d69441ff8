using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Exposure;

/// <summary>
/// The recovery rules held by the domain's writes: no revert to an exposed revision, no value equal to an exposed one,
/// and a mark that clears only once every exposed pair has a new value.
/// </summary>
public sealed class ExposureRulesTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private CredentialService Credentials => _host.Get<CredentialService>();

    private BlindCredentialService Blind => _host.Get<BlindCredentialService>();

    private ExposureService Exposure => _host.Get<ExposureService>();

    private IConfidantStore Store => _host.Get<IConfidantStore>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RevertAsync_ToAnExposedRevision_RefusedAndNothingWritten()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "leaked-1")))).Item.Id;
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "fresh-2")) });
        await MarkAsync(AclResources.Credential, id, revision: 1);

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Credentials.RevertAsync(DomainHost.Alice, id, 1));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal($"Revision 1 of credential {id} was exposed (incident INC-7); it cannot be reverted to. Write new values instead.", error.Message);
        Assert.Equal(2, (await Store.GetAsync(id))!.Revision);
    }

    [Fact]
    public async Task RevertAsync_ToAnUnmarkedRevisionHoldingAnExposedValue_Refused()
    {
        // Revision 2 only changed the documentation: revision 1 holds the value revision 2 exposed.
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "leaked-1")))).Item.Id;
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Documentation = "rotate weekly" });
        await MarkAsync(AclResources.Credential, id, revision: 2);
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "fresh-3")) });

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Credentials.RevertAsync(DomainHost.Alice, id, 1));

        Assert.Equal("The value of credential key 'password' was exposed (incident INC-7); write a new value.", error.Message);
        Assert.Equal(3, (await Store.GetAsync(id))!.Revision);
    }

    [Fact]
    public async Task UpdateAsync_BackToAnExposedValue_RefusedAndNothingWritten()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "leaked-1")))).Item.Id;
        await MarkAsync(AclResources.Credential, id);
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "fresh-2")) });

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "leaked-1")) }));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal("The value of credential key 'password' was exposed (incident INC-7); write a new value.", error.Message);
        Assert.Equal(2, (await Store.GetAsync(id))!.Revision);
    }

    [Fact]
    public async Task CreateAsync_AnotherCredentialWithAnExposedValueUnderAnyKey_Refused()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "leaked-1")))).Item.Id;
        await MarkAsync(AclResources.Credential, id);

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("copy", ("user", "ops"), ("token", "leaked-1"))));

        Assert.Equal("The value of credential key 'token' was exposed (incident INC-7); write a new value.", error.Message);
        Assert.Empty(await Store.FindIdsByNameAsync(DataType.Credential, "copy"));
    }

    [Fact]
    public async Task UpdateAsync_OneOfTwoExposedPairsRotated_MarkStaysWithThePendingPairThenClears()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("user", "admin"), ("password", "leaked-1")))).Item.Id;
        await MarkAsync(AclResources.Credential, id);

        // The pending pair may stay as it is while the other one changes, and metadata may change meanwhile.
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("user", "admin"), ("password", "fresh-2")) });
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Documentation = "owner: payments" });
        var half = Assert.Single(await _host.Get<ExposureIndex>().ReadAsync());
        var current = await Store.GetAsync(id);

        Assert.True(half.IsActive);
        Assert.Equal(["user"], half.Pending(current!));

        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("user", "admin-2"), ("password", "fresh-2")) });
        var cleared = Assert.Single(await _host.Get<ExposureIndex>().ReadAsync());

        Assert.False(cleared.IsActive);
        Assert.Equal(4, cleared.ClearedRevision);
        Assert.Equal(_host.Time.GetUtcNow(), cleared.ClearedAt);
    }

    [Fact]
    public async Task BlindCredential_RevertToExposedRevisionAndReuseOfExposedCiphertext_Refused()
    {
        var id = (await Blind.CreateAsync(DomainHost.Alice, BlindInput("c2VhbGVk"))).Id;
        await Blind.UpdateAsync(DomainHost.Alice, id, BlindInput("bmV3"));
        await MarkAsync(AclResources.BlindCredential, id, revision: 1);

        var revert = await Assert.ThrowsAsync<ConfidantException>(() => Blind.RevertAsync(DomainHost.Alice, id, 1));
        var reuse = await Assert.ThrowsAsync<ConfidantException>(() => Blind.UpdateAsync(DomainHost.Alice, id, BlindInput("c2VhbGVk")));

        Assert.Equal($"Revision 1 of blind credential {id} was exposed (incident INC-7); it cannot be reverted to. Write new values instead.", revert.Message);
        Assert.Equal("These credential_pairs were exposed (incident INC-7); encrypt new values.", reuse.Message);
        Assert.Equal(2, (await Store.GetAsync(id))!.Revision);
    }

    [Fact]
    public async Task BlindCredential_NewCiphertext_ClearsTheMark()
    {
        var id = (await Blind.CreateAsync(DomainHost.Alice, BlindInput("c2VhbGVk"))).Id;
        await MarkAsync(AclResources.BlindCredential, id);
        await Blind.UpdateAsync(DomainHost.Alice, id, new BlindCredentialInput { Documentation = "still the exposed values" });
        Assert.True(Assert.Single(await _host.Get<ExposureIndex>().ReadAsync()).IsActive);

        await Blind.UpdateAsync(DomainHost.Alice, id, BlindInput("bmV3"));

        var mark = Assert.Single(await _host.Get<ExposureIndex>().ReadAsync());
        Assert.False(mark.IsActive);
        Assert.Equal(3, mark.ClearedRevision);
    }

    private Task<IReadOnlyList<MarkStatus>> MarkAsync(string type, string id, int? revision = null) =>
        Exposure.MarkAsync(DomainHost.Alice, type, id, new ExposureInput("pasted in a public channel", "INC-7", revision));

    private static BlindCredentialInput BlindInput(string ciphertext) =>
        TestData.BlindCredential("blind", "api_key") with { CredentialPairs = TestData.Json($$"""{"us-east-1": "{{ciphertext}}"}""") };
}
