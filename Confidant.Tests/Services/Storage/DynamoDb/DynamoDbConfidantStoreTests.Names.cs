using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage;

namespace Confidant.Tests.Services.Storage.DynamoDb;

/// <summary>The names read of items other Confidant versions wrote: the same list fields as a full read.</summary>
public sealed partial class DynamoDbConfidantStoreTests
{
    [Fact]
    public async Task ListNamesAsync_LegacyEncodings_GivesWhatAFullReadGivesAsync()
    {
        // Spec §6.4: pre-4.0 booleans are N 0/1; pre-2.0 set members are JSON-quoted, so one id may appear twice.
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("myservice-production"),
            ["data_type"] = S("service"),
            ["revision"] = N("7"),
            ["enabled"] = N("0"),
            ["credentials"] = new AttributeValue { SS = ["\"7f3c2a1b9d8e4f60a1b2c3d4e5f60718\"", "7f3c2a1b9d8e4f60a1b2c3d4e5f60718", "0123456789abcdef0123456789abcdef"] },
            ["blind_credentials"] = new AttributeValue { SS = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] },
            ["modified_date"] = S("2024-05-02T08:00:00.000001+0000"),
            ["modified_by"] = S("alice@example.com"),
        });

        var names = await Store.ListNamesAsync(StoreTable.Primary, DataType.Service, PageRequest.All);

        var full = Assert.Single((await Store.QueryAsync(DataType.Service, PageRequest.All)).Items);
        Assert.Equal(NamesOf(full), Assert.Single(names.Items));
        Assert.Equal((false, 3), (names.Items[0].Enabled, names.Items[0].MappedCount));
    }

    [Fact]
    public async Task ListNamesAsync_CredentialWithUnreadableCiphertext_ListedByNameAsync()
    {
        // Only the list fields leave the table: a data key or pairs a full read refuses are never decoded.
        await PutRawAttributesAsync(new()
        {
            ["id"] = S("0123456789abcdef0123456789abcdef"),
            ["data_type"] = S("credential"),
            ["revision"] = N("2"),
            ["enabled"] = Bool(true),
            ["name"] = S("stripe api"),
            ["credential_pairs"] = N("1"),
            ["data_key"] = N("1"),
            ["modified_date"] = S("2024-05-02T08:00:00.000001+0000"),
            ["modified_by"] = S("alice@example.com"),
        });

        var names = await Store.ListNamesAsync(StoreTable.Primary, DataType.Credential, PageRequest.All);

        await Assert.ThrowsAsync<InvalidDataException>(() => Store.QueryAsync(DataType.Credential, PageRequest.All));
        Assert.Equal(
            new NamedItem("0123456789abcdef0123456789abcdef", DataType.Credential, "stripe api", true, 2, ConfidantDates.ParseStored("2024-05-02T08:00:00.000001+0000"), null, 0),
            Assert.Single(names.Items));
    }
}
