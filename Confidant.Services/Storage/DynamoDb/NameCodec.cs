using Amazon.DynamoDBv2.Model;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>
/// The attributes a list of names reads (<see cref="IConfidantStore.ListNamesAsync"/>), projected by the query so that
/// no ciphertext, pair or metadata leaves DynamoDB, and their decoding with the same rules as
/// <see cref="ItemCodec.Decode"/> (legacy encodings tolerated, a service's mapped ids counted as a full read lists them).
/// </summary>
internal static class NameCodec
{
    private static readonly string[] Common = ["id", "data_type", "revision", "enabled", "modified_date", "archive_date"];

    /// <summary>The projection expression and its attribute names (<c>name</c> is a reserved word, spec §6.9).</summary>
    public static (string Expression, IReadOnlyDictionary<string, string> Names) Projection(DataType dataType)
    {
        string[] attributes = dataType == DataType.Service
            ? [.. Common, "credentials", "blind_credentials"]
            : [.. Common, "name"];
        return (
            string.Join(", ", attributes.Select(a => "#" + a)),
            attributes.ToDictionary(a => "#" + a, a => a, StringComparer.Ordinal));
    }

    public static NamedItem Decode(Dictionary<string, AttributeValue> attributes)
    {
        var reader = new AttributeReader(attributes);
        if (!DataTypes.TryParse(reader.RequiredString("data_type"), out var dataType))
        {
            throw reader.Unreadable("data_type");
        }

        var service = dataType == DataType.Service;
        return new NamedItem(
            reader.Id,
            dataType,
            // A service has no name: its name is its id.
            service ? reader.Id : reader.RequiredString("name"),
            reader.RequiredBool("enabled"),
            reader.RequiredInt("revision"),
            reader.RequiredDate("modified_date"),
            reader.OptionalDate("archive_date"),
            service ? reader.StringSet("credentials").Count + reader.StringSet("blind_credentials").Count : 0);
    }
}
