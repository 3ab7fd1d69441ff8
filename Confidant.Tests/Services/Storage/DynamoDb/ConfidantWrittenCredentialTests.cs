using System.Text;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Storage.DynamoDb;

/// <summary>
/// A credential written exactly as Confidant 7.0 writes it (spec §6.8, §7.1: data key from KMS GenerateRandom,
/// wrapped by KMS Encrypt under {"id": id}, stored double-base64 in a B attribute) is read and decrypted by our
/// DynamoDB store and cipher, and what we write next is again in Confidant's shapes.
/// </summary>
[Collection(MotoServerFixture.CollectionName)]
public sealed class ConfidantWrittenCredentialTests(MotoServerFixture moto, DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>, IAsyncLifetime
{
    private const string Id = "7f3c2a1b9d8e4f60a1b2c3d4e5f60718";

    private DomainHost _host = null!;
    private string _table = string.Empty;
    private string _keyAlias = string.Empty;

    public async Task InitializeAsync()
    {
        (_table, var archive) = await dynalite.CreateTablesAsync();
        (_keyAlias, _) = await moto.CreateKeyAsync("confidant-at-rest");
        _host = await DomainHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:Table"] = _table,
                ["Storage:DynamoDb:ArchiveTable"] = archive,
                ["Kms:Provider"] = "Aws",
                ["Iam:Provider"] = "Configured",
                ["Kms:MasterKeyId"] = _keyAlias,
                ["KmsAuth:AuthKey"] = string.Empty,
            },
            configureServices: services =>
            {
                services.AddSingleton(dynalite.Client);
                services.AddSingleton<IAmazonKeyManagementService>(moto.CreateKmsClient());
            });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ReadAndDecrypt_ItemWrittenByConfidant_GivesThePairs()
    {
        await PutAsConfidantAsync(Id, "credential", revision: 3);
        await PutAsConfidantAsync($"{Id}-3", "archive-credential", revision: 3);

        var current = Assert.IsType<CredentialItem>(await _host.Get<IConfidantStore>().GetAsync(Id));
        var revision = Assert.IsType<CredentialItem>(await _host.Get<IConfidantStore>().GetAsync($"{Id}-3"));
        var pairs = await _host.Get<CredentialCipher>().DecryptAsync(current);
        var revisionPairs = await _host.Get<CredentialCipher>().DecryptAsync(revision);
        var viaDomain = await _host.Get<CredentialReader>().GetAsync(DomainHost.Alice, Id);

        Assert.Equal(["api_key", "api_user"], pairs.Keys);
        Assert.Equal("1234", TestData.Value(pairs, "api_key"));
        Assert.Equal(pairs, revisionPairs);
        Assert.Equal("stripe api", viaDomain.Item.Name);
        Assert.Equal(["FINANCIALLY_SENSITIVE"], viaDomain.Item.Tags);
        Assert.Equal("example_user", TestData.Value(viaDomain.Pairs, "api_user"));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero).AddTicks(1_234_560), current.ModifiedDate);
    }

    [Fact]
    public async Task Update_ConfidantWrittenCredential_WritesRevisionFourInConfidantShapes()
    {
        await PutAsConfidantAsync(Id, "credential", revision: 3);
        await PutAsConfidantAsync($"{Id}-3", "archive-credential", revision: 3);

        var updated = await _host.Get<CredentialService>().UpdateAsync(DomainHost.Alice, Id, new CredentialInput
        {
            Pairs = TestData.Pairs(("api_key", "5678"), ("api_user", "example_user")),
        });
        var raw = await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = new() { ["id"] = new AttributeValue { S = $"{Id}-4" } },
            ConsistentRead = true,
        });

        Assert.Equal(4, updated.Item.Revision);
        var item = raw.Item;
        Assert.Equal("archive-credential", item["data_type"].S);
        Assert.Equal("4", item["revision"].N);
        Assert.Equal("2", item["cipher_version"].N);
        Assert.True(item["enabled"].BOOL);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$", item["modified_date"].S);
        var dataKeyText = Encoding.ASCII.GetString(item["data_key"].B.ToArray());
        var blob = Convert.FromBase64String(dataKeyText);
        var keyText = await moto.Kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            EncryptionContext = new Dictionary<string, string> { ["id"] = Id },
        });
        var fernetKey = Encoding.ASCII.GetString(keyText.Plaintext.ToArray());
        var plaintext = Encoding.UTF8.GetString(Fernet.Decrypt(fernetKey, item["credential_pairs"].S));
        Assert.Equal("{\"api_key\": \"5678\", \"api_user\": \"example_user\"}", plaintext);
    }

    private async Task PutAsConfidantAsync(string id, string dataType, int revision)
    {
        // Spec §7.1 as the Python server does it: GenerateRandom(32) → urlsafe base64 key text → KMS Encrypt of the text.
        var random = await moto.Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 });
        var keyText = Fernet.GenerateKeyText(random.Plaintext.ToArray());
        var wrapped = await moto.Kms.EncryptAsync(new EncryptRequest
        {
            KeyId = _keyAlias,
            Plaintext = new MemoryStream(Encoding.ASCII.GetBytes(keyText)),
            EncryptionContext = new Dictionary<string, string> { ["id"] = Id },
        });
        var token = Fernet.Encrypt(
            keyText,
            Encoding.UTF8.GetBytes("{\"api_key\": \"1234\", \"api_user\": \"example_user\"}"),
            new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero));
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = new() { S = id },
            ["revision"] = new() { N = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["data_type"] = new() { S = dataType },
            ["name"] = new() { S = "stripe api" },
            ["credential_pairs"] = new() { S = token },
            ["enabled"] = new() { BOOL = true },
            ["data_key"] = new() { B = new MemoryStream(Encoding.ASCII.GetBytes(Convert.ToBase64String(wrapped.CiphertextBlob.ToArray()))) },
            ["cipher_version"] = new() { N = "2" },
            ["metadata"] = new() { S = "{\"owner\": \"payments\"}" },
            ["modified_date"] = new() { S = "2024-05-01T12:30:45.123456+0000" },
            ["modified_by"] = new() { S = "alice@example.com" },
            ["documentation"] = new() { S = "rotate in the stripe dashboard" },
            ["tags"] = new() { L = [new AttributeValue { S = "FINANCIALLY_SENSITIVE" }] },
            ["last_rotation_date"] = new() { S = "2024-05-01T12:30:45.101010+0000" },
        };
        await dynalite.Client.PutItemAsync(new PutItemRequest { TableName = _table, Item = item });
    }
}
