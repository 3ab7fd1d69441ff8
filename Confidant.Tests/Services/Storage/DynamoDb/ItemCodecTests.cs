using System.Text;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Tests.Support;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage.DynamoDb;

public sealed class ItemCodecTests
{
    [Fact]
    public void Encode_CredentialDataKey_StoresAsciiOfTheBase64TextAppendixAVector()
    {
        // Appendix A: KMS blob 01 02 03 FF FE → B bytes ASCII "AQID//4=" → wire {"B": "QVFJRC8vND0="}.
        var dataKey = Convert.ToBase64String([0x01, 0x02, 0x03, 0xFF, 0xFE]);

        var attributes = ItemCodec.Encode(Credential("7f3c2a1b9d8e4f60a1b2c3d4e5f60718") with { DataKey = dataKey });

        var bytes = attributes["data_key"].B.ToArray();
        Assert.Equal(Encoding.ASCII.GetBytes("AQID//4="), bytes);
        Assert.Equal("QVFJRC8vND0=", Convert.ToBase64String(bytes));
    }

    [Fact]
    public void Decode_CredentialDataKeyBytes_ReturnsTheBase64Text()
    {
        var attributes = ItemCodec.Encode(Credential("id1"));
        attributes["data_key"] = new AttributeValue { B = new MemoryStream(Encoding.ASCII.GetBytes("AQID//4=")) };

        var item = Assert.IsType<CredentialItem>(ItemCodec.Decode(attributes));

        Assert.Equal([0x01, 0x02, 0x03, 0xFF, 0xFE], Convert.FromBase64String(item.DataKey));
    }

    [Fact]
    public void Encode_Dates_WritesUtcWithSixFractionalDigitsAndLiteralOffset()
    {
        var modified = new DateTimeOffset(2024, 5, 1, 14, 30, 45, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var attributes = ItemCodec.Encode(FullCredential("id1") with { ModifiedDate = modified, ArchiveDate = modified });

        Assert.Equal("2024-05-01T12:30:45.123456+0000", attributes["modified_date"].S);
        Assert.Equal("2024-05-01T12:30:45.123456+0000", attributes["archive_date"].S);
        Assert.Equal(31, attributes["last_rotation_date"].S.Length);
    }

    [Fact]
    public void Encode_EmptySetsAndNullOptionals_OmitsThem()
    {
        var service = ItemCodec.Encode(Service("svc"));
        var blind = ItemCodec.Encode(BlindCredential("b1"));

        Assert.Equal(
            ["data_type", "enabled", "id", "modified_by", "modified_date", "revision"],
            service.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("credential_keys", blind.Keys);
        Assert.DoesNotContain("documentation", blind.Keys);
        Assert.DoesNotContain("archive_date", blind.Keys);
    }

    [Fact]
    public void Encode_DuplicateSetMembers_WritesEachOnce()
    {
        var attributes = ItemCodec.Encode(Service("svc") with { Credentials = ["a", "b", "a"] });

        Assert.Equal(["a", "b"], attributes["credentials"].SS);
    }

    [Fact]
    public void Encode_EmptyTags_WritesAnEmptyList()
    {
        // Spec §12.6: tags are an L even when empty, never omitted.
        var attributes = ItemCodec.Encode(Credential("id1"));

        Assert.True(attributes["tags"].IsLSet);
        Assert.Empty(attributes["tags"].L);
    }

    [Fact]
    public void Encode_Scalars_UseTheSpecAttributeTypes()
    {
        var attributes = ItemCodec.Encode(FullCredential("id1", revision: 12));

        Assert.Equal("12", attributes["revision"].N);
        Assert.True(attributes["enabled"].IsBOOLSet);
        Assert.Equal("2", attributes["cipher_version"].N);
        Assert.Equal(FullCredential("id1").Metadata, attributes["metadata"].S);
        Assert.Equal(["FINANCIALLY_SENSITIVE", "ADMIN_PRIV"], attributes["tags"].L.Select(tag => tag.S));
    }

    [Theory]
    [MemberData(nameof(StoredItemSamples.Kinds), MemberType = typeof(StoredItemSamples))]
    public void Decode_EncodedItem_ReturnsTheSameItem(string kind)
    {
        var item = Sample(kind, "0123456789abcdef0123456789abcdef", revision: 3) with { ArchiveDate = At(900) };

        var decoded = ItemCodec.Decode(ItemCodec.Encode(item));

        Assert.Equal(StoredItemJson.Serialize(item), StoredItemJson.Serialize(decoded));
    }

    [Theory]
    [InlineData("modified_date")]
    [InlineData("revision")]
    [InlineData("enabled")]
    [InlineData("data_key")]
    [InlineData("name")]
    public void Decode_MissingRequiredAttribute_ThrowsNamingItemAndAttribute(string attribute)
    {
        var attributes = ItemCodec.Encode(Credential("cred-1"));
        attributes.Remove(attribute);

        var error = Assert.Throws<InvalidDataException>(() => ItemCodec.Decode(attributes));

        Assert.Equal($"Stored item 'cred-1' has a missing or unreadable attribute '{attribute}'.", error.Message);
    }

    [Fact]
    public void Decode_UnknownDataType_Throws()
    {
        var attributes = ItemCodec.Encode(Service("svc"));
        attributes["data_type"] = new AttributeValue { S = "archive_service" };

        var error = Assert.Throws<InvalidDataException>(() => ItemCodec.Decode(attributes));

        Assert.Contains("'data_type'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NonAsciiDataKey_ThrowsWithoutTheValue()
    {
        var attributes = ItemCodec.Encode(Credential("cred-1"));
        attributes["data_key"] = new AttributeValue { B = new MemoryStream([0x41, 0xC3, 0xA9]) };

        var error = Assert.Throws<InvalidDataException>(() => ItemCodec.Decode(attributes));

        Assert.Contains("'data_key'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WrongAttributeType_Throws()
    {
        var attributes = ItemCodec.Encode(Credential("cred-1"));
        attributes["metadata"] = new AttributeValue { N = "1" };

        var error = Assert.Throws<InvalidDataException>(() => ItemCodec.Decode(attributes));

        Assert.Contains("'metadata'", error.Message, StringComparison.Ordinal);
    }
}
