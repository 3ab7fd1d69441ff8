using System.Text;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage.DynamoDb;

/// <summary>Items as Confidant 7.0 writes them (spec §6.8) in, and our items out with the same encodings.</summary>
public sealed partial class DynamoDbConfidantStoreTests
{
    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(string value) => new() { N = value };

    private static AttributeValue Bool(bool value) => new() { BOOL = value };

    [Fact]
    public async Task GetAsync_CredentialWrittenByConfidant_ReadsEveryFieldAsync()
    {
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("7f3c2a1b9d8e4f60a1b2c3d4e5f60718"),
            ["revision"] = N("3"),
            ["data_type"] = S("credential"),
            ["name"] = S("stripe api"),
            ["credential_pairs"] = S("gAAAAABm=="),
            ["enabled"] = Bool(true),
            ["data_key"] = new AttributeValue { B = new MemoryStream(Encoding.ASCII.GetBytes("AQICAHh+/w==")) },
            ["cipher_version"] = N("2"),
            ["metadata"] = S("{\"owner\": \"payments\"}"),
            ["modified_date"] = S("2024-05-01T12:30:45.123456+0000"),
            ["modified_by"] = S("alice@example.com"),
            ["documentation"] = S("rotate in the stripe dashboard"),
            ["tags"] = new AttributeValue { L = [S("FINANCIALLY_SENSITIVE")] },
            ["last_rotation_date"] = S("2024-05-01T12:30:45.101010+0000"),
            ["some_future_attribute"] = S("ignored"),
        });

        var item = Assert.IsType<CredentialItem>(await Store.GetAsync("7f3c2a1b9d8e4f60a1b2c3d4e5f60718"));

        Assert.Equal(3, item.Revision);
        Assert.Equal("stripe api", item.Name);
        Assert.Equal("gAAAAABm==", item.CredentialPairs);
        Assert.Equal("AQICAHh+/w==", item.DataKey);
        Assert.Equal("{\"owner\": \"payments\"}", item.Metadata);
        Assert.Equal(["FINANCIALLY_SENSITIVE"], item.Tags);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero).AddTicks(1_234_560), item.ModifiedDate);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero).AddTicks(1_010_100), item.LastRotationDate);
        Assert.Null(item.LastDecryptedDate);
        Assert.True(item.Enabled);
    }

    [Fact]
    public async Task GetAsync_LegacyCredentialWithoutOptionalAttributes_UsesSpecDefaultsAsync()
    {
        // Spec §6.4-6.5: pre-4.0 booleans are N 0/1; absent cipher_version is 2, absent metadata {}.
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("0123456789abcdef0123456789abcdef"),
            ["revision"] = N("1"),
            ["data_type"] = S("credential"),
            ["name"] = S("old"),
            ["credential_pairs"] = S("gAAAAABold"),
            ["enabled"] = N("0"),
            ["data_key"] = new AttributeValue { B = new MemoryStream(Encoding.ASCII.GetBytes("AQID")) },
            ["modified_date"] = S("2016-01-01T00:00:00.000000+0000"),
            ["modified_by"] = S("legacy"),
        });

        var item = Assert.IsType<CredentialItem>(await Store.GetAsync("0123456789abcdef0123456789abcdef"));

        Assert.False(item.Enabled);
        Assert.Equal(2, item.CipherVersion);
        Assert.Equal("{}", item.Metadata);
        Assert.Empty(item.Tags);
    }

    [Fact]
    public async Task GetAsync_ServiceWithLegacyEncodings_ReadsSetsAndBooleanAsync()
    {
        // Spec §6.4: pre-2.0 data JSON-quotes set members; pre-4.0 data stores booleans as N 0/1.
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("myservice-production"),
            ["data_type"] = S("service"),
            ["revision"] = N("7"),
            ["enabled"] = N("1"),
            ["credentials"] = new AttributeValue { SS = ["\"7f3c2a1b9d8e4f60a1b2c3d4e5f60718\"", "0123456789abcdef0123456789abcdef"] },
            ["modified_date"] = S("2024-05-02T08:00:00.000001+0000"),
            ["modified_by"] = S("alice@example.com"),
        });

        var item = Assert.IsType<ServiceItem>(await Store.GetAsync("myservice-production"));

        Assert.True(item.Enabled);
        Assert.Equal(["0123456789abcdef0123456789abcdef", "7f3c2a1b9d8e4f60a1b2c3d4e5f60718"], item.Credentials);
        Assert.Empty(item.BlindCredentials);
        Assert.Null(item.Account);
    }

    [Fact]
    public async Task GetAsync_BlindCredentialWrittenByConfidant_ReadsEveryFieldAsync()
    {
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-2"),
            ["revision"] = N("2"),
            ["data_type"] = S("archive-blind-credential"),
            ["name"] = S("blind"),
            ["credential_pairs"] = S("{\"us-east-1\": \"gAAAAABx\"}"),
            ["enabled"] = Bool(false),
            ["credential_keys"] = new AttributeValue { SS = ["b", "a"] },
            ["data_key"] = S("{\"us-east-1\": \"AQID\"}"),
            ["cipher_type"] = S("fernet"),
            ["cipher_version"] = N("2"),
            ["metadata"] = S("{\"context\": {}}"),
            ["modified_date"] = S("2024-05-02T08:00:00.000001+0000"),
            ["modified_by"] = S("bob"),
        });

        var item = Assert.IsType<BlindCredentialItem>(await Store.GetAsync("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-2"));

        Assert.Equal(DataType.ArchiveBlindCredential, item.DataType);
        Assert.Equal("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", item.BaseId);
        Assert.Equal(["a", "b"], item.CredentialKeys);
        Assert.Equal("{\"us-east-1\": \"AQID\"}", item.DataKey);
        Assert.Equal("fernet", item.CipherType);
        Assert.False(item.Enabled);
    }

    [Fact]
    public async Task GetAsync_UnreadableItem_ThrowsNamingIdAndAttributeButNotTheValueAsync()
    {
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("broken"),
            ["data_type"] = S("service"),
            ["revision"] = N("1"),
            ["enabled"] = Bool(true),
            ["modified_date"] = S("2024-05-02 08:00:00 secret-looking"),
            ["modified_by"] = S("x"),
        });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetAsync("broken"));

        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'modified_date'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-looking", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteRevisionAsync_Credential_StoresConfidantEncodingsAsync()
    {
        var item = FullCredential(NewId()) with { DataKey = "AQID//4=" };

        await Store.WriteRevisionAsync(item);

        foreach (var (id, dataType) in new[] { (item.Id, "credential"), (item.Id + "-1", "archive-credential") })
        {
            var raw = await GetRawAsync(id);
            Assert.Equal(dataType, raw["data_type"].S);
            Assert.Equal("1", raw["revision"].N);
            Assert.True(raw["enabled"].IsBOOLSet);
            Assert.False(raw["enabled"].BOOL);
            // Spec §6.4 double base64: B bytes are the ASCII of the base64 text (Appendix A vector).
            Assert.Equal(Encoding.ASCII.GetBytes("AQID//4="), raw["data_key"].B.ToArray());
            Assert.Equal("2", raw["cipher_version"].N);
            Assert.Equal(item.Metadata, raw["metadata"].S);
            Assert.Equal(item.Name, raw["name"].S);
            Assert.Equal(["FINANCIALLY_SENSITIVE", "ADMIN_PRIV"], raw["tags"].L.Select(tag => tag.S));
            Assert.Equal("2024-05-01T12:30:46.123456+0000", raw["modified_date"].S);
            Assert.Equal(ConfidantDates.Length, raw["last_rotation_date"].S.Length);
            Assert.Equal(ConfidantDates.Length, raw["last_decrypted_date"].S.Length);
            Assert.False(raw.ContainsKey("credential_keys"));
            Assert.False(raw.ContainsKey("archive_date"));
        }
    }

    [Fact]
    public async Task WriteRevisionAsync_MinimalItems_OmitsNullsAndEmptySetsButWritesEmptyTagsAsync()
    {
        var credential = Credential(NewId());
        var service = Service("svc-minimal");

        await Store.WriteRevisionAsync(credential);
        await Store.WriteRevisionAsync(service);

        var rawCredential = await GetRawAsync(credential.Id);
        Assert.True(rawCredential["tags"].IsLSet);
        Assert.Empty(rawCredential["tags"].L);
        Assert.Equal("{}", rawCredential["metadata"].S);
        Assert.DoesNotContain("documentation", rawCredential.Keys);
        Assert.DoesNotContain("last_rotation_date", rawCredential.Keys);
        var rawService = await GetRawAsync(service.Id);
        Assert.Equal(
            ["data_type", "enabled", "id", "modified_by", "modified_date", "revision"],
            rawService.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WriteRevisionAsync_ServiceAndBlindCredential_StoreStringSetsAndJsonStringsAsync()
    {
        var service = FullService("svc-full");
        var blind = FullBlindCredential(NewId());

        await Store.WriteRevisionAsync(service);
        await Store.WriteRevisionAsync(blind);

        var rawService = await GetRawAsync(service.Id);
        Assert.Equal(service.Credentials, rawService["credentials"].SS.Order(StringComparer.Ordinal));
        Assert.Equal(service.BlindCredentials, rawService["blind_credentials"].SS);
        Assert.Equal("production", rawService["account"].S);
        var rawBlind = await GetRawAsync(blind.Id);
        Assert.Equal(blind.CredentialKeys, rawBlind["credential_keys"].SS.Order(StringComparer.Ordinal));
        Assert.Equal(blind.DataKey, rawBlind["data_key"].S);
        Assert.Equal(blind.CredentialPairs, rawBlind["credential_pairs"].S);
        Assert.Equal("fernet", rawBlind["cipher_type"].S);
        Assert.Equal("2", rawBlind["cipher_version"].N);
    }

    [Fact]
    public async Task ArchiveAsync_ArchiveTableUnset_ThrowsClearErrorAsync()
    {
        var store = CreateStore(_table, archiveTable: null);
        var item = Credential(NewId());
        await store.WriteRevisionAsync(item);

        var error = await Assert.ThrowsAsync<ConfidantException>(() => store.ArchiveAsync(item.Id, 1, At(5)));

        Assert.Contains("Storage:DynamoDb:ArchiveTable", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetAsync(item.Id));
    }
}
