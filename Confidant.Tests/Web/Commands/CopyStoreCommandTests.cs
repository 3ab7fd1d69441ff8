using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// <c>copy-store</c> from the embedded SQLite file to DynamoDB (dynalite) and back: every item arrives, the values
/// read the same through the domain on the new backend, the archive moves with its dates, and a non-empty target is
/// refused unless allowed.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class CopyStoreCommandTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task CopyStore_SqliteToDynamoDbAndBack_EveryItemArrivesAndDecrypts()
    {
        MotoServerFixture.ProvideDefaultCredentials();
        await using var sqliteHost = ApiTestHost.Create(new Dictionary<string, string?> { ["Storage:DynamoDb:ServiceUrl"] = dynalite.ServiceUrl });
        var data = sqliteHost.Factory.DataDirectory;
        var live = (await sqliteHost.CreateCredentialAsync("live", ("password", "v1"))).Item.Id;
        var credentials = sqliteHost.Get<CredentialService>();
        await credentials.UpdateAsync(ApiTestHost.Alice, live, new CredentialInput { Pairs = TestData.Pairs(("password", "v2")) });
        var gone = (await sqliteHost.CreateCredentialAsync("gone", ("token", "old"))).Item.Id;
        await credentials.UpdateAsync(ApiTestHost.Alice, gone, new CredentialInput { Enabled = false });
        await credentials.ArchiveAsync(ApiTestHost.Alice, gone, force: true);
        await sqliteHost.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [live] });
        var (table, archive) = await dynalite.CreateTablesAsync();

        var there = await CommandBackend.RunAsync(
            sqliteHost.Factory.Services, "copy-store", "--from", $"sqlite:{Path.Combine(data, "confidant.db")}", "--to", $"dynamodb:{table}:{archive}");

        Assert.True(there.Exit == 0, there.Error);
        Assert.Contains("copy-store: OK: 3 resources copied (8 items), 0 already in the target, 8 items verified", there.Output, StringComparison.Ordinal);

        await using var dynamoHost = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "DynamoDb",
            ["Storage:DynamoDb:Table"] = table,
            ["Storage:DynamoDb:ArchiveTable"] = archive,
            ["Storage:DynamoDb:ServiceUrl"] = dynalite.ServiceUrl,
            ["Kms:LocalKeyRingPath"] = Path.Combine(data, "keyring.json"),
        });
        var read = await dynamoHost.Get<CredentialReader>().GetAsync(ApiTestHost.Alice, live);
        Assert.Equal(("v2", 2), (TestData.Value(read.Pairs, "password"), read.Item.Revision));
        Assert.Equal([live], (await dynamoHost.Get<ServiceMappingService>().GetAsync(ApiTestHost.Alice, "billing")).Item.Credentials);
        Assert.Null(await dynamoHost.Get<IConfidantStore>().GetAsync(gone));
        var restored = await dynamoHost.Get<CredentialService>().RestoreAsync(ApiTestHost.Alice, gone);
        Assert.Equal("old", TestData.Value((await dynamoHost.Get<CredentialReader>().GetAsync(ApiTestHost.Alice, restored.Item.Id)).Pairs, "token"));
        await dynamoHost.Get<CredentialService>().ArchiveAsync(ApiTestHost.Alice, gone, force: true);

        var back = Path.Combine(data, "back.db");
        var home = await CommandBackend.RunAsync(dynamoHost.Factory.Services, "copy-store", "--from", $"dynamodb:{table}:{archive}", "--to", $"sqlite:{back}");
        var again = await CommandBackend.RunAsync(dynamoHost.Factory.Services, "copy-store", "--from", $"dynamodb:{table}:{archive}", "--to", $"sqlite:{back}");
        var resumed = await CommandBackend.RunAsync(
            dynamoHost.Factory.Services, "copy-store", "--from", $"dynamodb:{table}:{archive}", "--to", $"sqlite:{back}", "--allow-non-empty");

        Assert.True(home.Exit == 0, home.Error);
        Assert.Contains("copy-store: OK: 3 resources copied (8 items), 0 already in the target, 8 items verified", home.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.Exit);
        Assert.Contains("is not empty; give --allow-non-empty", again.Error, StringComparison.Ordinal);
        Assert.True(resumed.Exit == 0, resumed.Error);
        Assert.Contains("copy-store: OK: 0 resources copied (0 items), 3 already in the target, 8 items verified", resumed.Output, StringComparison.Ordinal);
        var entry = Assert.Single(await CommandBackend.CommandEntriesAsync(sqliteHost, "copy-store"));
        Assert.Equal($"sqlite:{Path.Combine(data, "confidant.db")} -> dynamodb:{table}:{archive}", entry.ResourceId);
    }
}
