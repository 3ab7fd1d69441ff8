using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.BlindCredentials;

public sealed class BlindCredentialServiceTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private BlindCredentialService Blind => _host.Get<BlindCredentialService>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static BlindCredentialInput Input(string name, params string[] keys) => new()
    {
        Name = name,
        CredentialPairs = TestData.Json("{\"us-east-1\": \"gAAAAABfake\"}"),
        DataKey = TestData.Json("{\"us-east-1\": \"AQICAHh=\"}"),
        CipherType = "fernet",
        CipherVersion = 2,
        CredentialKeys = keys,
        Metadata = TestData.Json("{\"context\": {\"us-east-1\": {\"group\": \"x\"}}}"),
        Documentation = "client-side encrypted",
    };

    [Fact]
    public async Task CreateAsync_StoresCiphertextVerbatim()
    {
        var created = await Blind.CreateAsync(DomainHost.Alice, Input("blind", "api_key"));

        var read = await Blind.GetAsync(DomainHost.Alice, created.Id);

        Assert.Equal("{\"us-east-1\": \"gAAAAABfake\"}", read.CredentialPairs);
        Assert.Equal("{\"us-east-1\": \"AQICAHh=\"}", read.DataKey);
        Assert.Equal(["api_key"], read.CredentialKeys);
        Assert.Equal(1, read.Revision);
    }

    [Fact]
    public async Task CreateAsync_DataKeyNotAnObject_BadRequestAndNothingWritten()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Blind.CreateAsync(DomainHost.Alice, Input("blind") with { DataKey = TestData.Json("\"abc\"") }));

        Assert.Equal("data_key must be a dict with a region/key mapping.", error.Message);
        Assert.Empty(await Blind.ListAsync(DomainHost.Alice));
    }

    [Fact]
    public async Task CreateAsync_DuplicateName_Conflict()
    {
        var first = await Blind.CreateAsync(DomainHost.Alice, Input("blind"));

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Blind.CreateAsync(DomainHost.Alice, Input("blind")));

        Assert.Equal($"Name already exists. See id: {first.Id}", error.Message);
    }

    [Fact]
    public async Task UpdateAsync_PairsWithoutDataKey_BadRequest()
    {
        var created = await Blind.CreateAsync(DomainHost.Alice, Input("blind"));

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Blind.UpdateAsync(DomainHost.Alice, created.Id, new BlindCredentialInput
        {
            CredentialPairs = TestData.Json("{\"us-east-1\": \"new\"}"),
            CipherType = "fernet",
            CipherVersion = 2,
        }));

        Assert.Equal("data_key required when updating credential_pairs.", error.Message);
        Assert.Equal(1, (await Blind.GetAsync(DomainHost.Alice, created.Id)).Revision);
    }

    [Fact]
    public async Task UpdateThenRevert_HistoryNewestFirst()
    {
        var created = await Blind.CreateAsync(DomainHost.Alice, Input("blind", "a"));
        await Blind.UpdateAsync(DomainHost.Alice, created.Id, new BlindCredentialInput { Name = "renamed" });

        var reverted = await Blind.RevertAsync(DomainHost.Alice, created.Id, 1);
        var history = await Blind.ListRevisionsAsync(DomainHost.Alice, created.Id);

        Assert.Equal("blind", reverted.Name);
        Assert.Equal(3, reverted.Revision);
        Assert.Equal([3, 2, 1], history.Select(h => h.Revision));
        Assert.Equal(["blind", "renamed", "blind"], history.Select(h => h.Name));
    }

    [Fact]
    public async Task UpdateAsync_KeysCollidingWithMappedCredential_Conflict()
    {
        var credential = await _host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("c", ("api_key", "v")));
        var blind = await Blind.CreateAsync(DomainHost.Alice, Input("blind", "other"));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput
        {
            Credentials = [credential.Item.Id],
            BlindCredentials = [blind.Id],
        });

        var error = await Assert.ThrowsAsync<KeyConflictException>(() => Blind.UpdateAsync(DomainHost.Alice, blind.Id, Input("blind", "api_key")));

        Assert.Equal([credential.Item.Id], error.Conflicts["api_key"].Credentials);
        Assert.Equal(["svc"], error.Conflicts["api_key"].Services);
    }
}
