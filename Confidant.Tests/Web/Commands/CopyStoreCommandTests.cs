using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// <c>copy-store</c> from the embedded SQLite file to DynamoDB (dynalite) and back: every item arrives, the values
/// read the same through the domain on the new backend, the archive moves with its dates, exposure marks move and keep
/// refusing their values, and a non-empty target is refused unless allowed.
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

        await using var dynamoHost = DynamoHost(table, archive, data);
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

    [Fact]
    public async Task CopyStore_ExposureMarks_ArriveActiveAndClearedStillRefuseTheirValuesAndAreSkippedOnceThere()
    {
        MotoServerFixture.ProvideDefaultCredentials();
        await using var sqliteHost = ApiTestHost.Create(new Dictionary<string, string?> { ["Storage:DynamoDb:ServiceUrl"] = dynalite.ServiceUrl });
        var data = sqliteHost.Factory.DataDirectory;
        var exposed = (await sqliteHost.CreateCredentialAsync("exposed", ("password", "leaked"))).Item.Id;
        var rotated = (await sqliteHost.CreateCredentialAsync("rotated", ("token", "leaked-too"))).Item.Id;
        foreach (var id in new[] { exposed, rotated })
        {
            await sqliteHost.Get<ExposureService>().MarkAsync(ApiTestHost.Alice, AclResources.Credential, id, new ExposureInput("pasted in chat", "INC-9"));
        }

        // Every exposed pair of the second has a new value: its mark is cleared (version 2).
        await sqliteHost.Get<CredentialService>().UpdateAsync(ApiTestHost.Alice, rotated, new CredentialInput { Pairs = TestData.Pairs(("token", "fresh")) });
        var marks = (await sqliteHost.Get<IConfidantStore>().QueryAsync(DataType.Exposure, PageRequest.All)).Items.Cast<ExposureMark>().ToList();
        var (table, archive) = await dynalite.CreateTablesAsync();
        var from = $"sqlite:{Path.Combine(data, "confidant.db")}";
        var to = $"dynamodb:{table}:{archive}";

        var copy = await CommandBackend.RunAsync(sqliteHost.Factory.Services, "copy-store", "--from", from, "--to", to);
        var again = await CommandBackend.RunAsync(sqliteHost.Factory.Services, "copy-store", "--from", from, "--to", to, "--allow-non-empty");

        Assert.Equal([true, false], marks.OrderBy(m => m.ResourceId == rotated).Select(m => m.IsActive));
        Assert.True(copy.Exit == 0, copy.Error);
        Assert.Contains("copy-store: OK: 4 resources copied (7 items), 0 already in the target, 7 items verified", copy.Output, StringComparison.Ordinal);
        Assert.True(again.Exit == 0, again.Error);
        Assert.Contains("copy-store: OK: 0 resources copied (0 items), 4 already in the target, 7 items verified", again.Output, StringComparison.Ordinal);
        await using var dynamoHost = DynamoHost(table, archive, data);
        foreach (var mark in marks)
        {
            Assert.Equal(StoredItemJson.Serialize(mark), StoredItemJson.Serialize(Assert.IsType<ExposureMark>(await dynamoHost.Get<IConfidantStore>().GetAsync(mark.Id))));
        }

        var reuse = await Assert.ThrowsAsync<ConfidantException>(
            () => dynamoHost.Get<CredentialService>().CreateAsync(ApiTestHost.Alice, TestData.Credential("again", ("password", "leaked-too"))));
        Assert.Equal("The value of credential key 'password' was exposed (incident INC-9); write a new value.", reuse.Message);
    }

    /// <summary>The app on the DynamoDB tables a copy wrote, with the key ring of the SQLite installation in <paramref name="data"/>.</summary>
    private ApiTestHost DynamoHost(string table, string archive, string data) => ApiTestHost.Create(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "DynamoDb",
        ["Storage:DynamoDb:Table"] = table,
        ["Storage:DynamoDb:ArchiveTable"] = archive,
        ["Storage:DynamoDb:ServiceUrl"] = dynalite.ServiceUrl,
        ["Kms:LocalKeyRingPath"] = Path.Combine(data, "keyring.json"),
    });
}
