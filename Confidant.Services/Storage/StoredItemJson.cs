using System.Text.Json;
using System.Text.Json.Serialization;

namespace Confidant.Services.Storage;

/// <summary>
/// A JSON form of a <see cref="StoredItem"/> with Confidant's attribute names and stored date format: the SQLite
/// body column, and the content comparison a DynamoDB writer needs after an ambiguous write.
/// </summary>
internal static class StoredItemJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // BaseId is derived from id and revision.
        IgnoreReadOnlyProperties = true,
        Converters = { new StoredDateConverter(), new DataTypeConverter() },
    };

    public static string Serialize(StoredItem item) => JsonSerializer.Serialize(item, item.GetType(), Options);

    public static StoredItem Deserialize(string json, DataType dataType)
    {
        var type = dataType.CurrentType() switch
        {
            DataType.Credential => typeof(CredentialItem),
            DataType.BlindCredential => typeof(BlindCredentialItem),
            DataType.Exposure => typeof(Exposure.ExposureMark),
            DataType.Job => typeof(JobItem),
            _ => typeof(ServiceItem),
        };
        return (StoredItem?)JsonSerializer.Deserialize(json, type, Options)
            ?? throw new JsonException("A stored item body is JSON null.");
    }

    /// <summary>A value in the same JSON form as inside a serialized item (a nested object of the body).</summary>
    public static string SerializeValue<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T DeserializeValue<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"A stored {typeof(T).Name} is JSON null.");

    /// <summary>True when both items hold the same content, ignoring the bookkeeping a touch or a backfill may change.</summary>
    public static bool SameContent(StoredItem a, StoredItem b) =>
        string.Equals(Serialize(WithoutBookkeeping(a)), Serialize(WithoutBookkeeping(b)), StringComparison.Ordinal);

    private static StoredItem WithoutBookkeeping(StoredItem item) =>
        item is CredentialItem credential ? credential with { LastDecryptedDate = null, Fingerprints = null } : item;

    private sealed class StoredDateConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ConfidantDates.TryParseStored(reader.GetString(), out var value)
                ? value
                : throw new JsonException("A stored date is not of the form yyyy-MM-ddTHH:mm:ss.ffffff+0000.");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(ConfidantDates.ToStored(value));
    }

    private sealed class DataTypeConverter : JsonConverter<DataType>
    {
        public override DataType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DataTypes.TryParse(reader.GetString(), out var value)
                ? value
                : throw new JsonException("Unknown data_type.");

        public override void Write(Utf8JsonWriter writer, DataType value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToWire());
    }
}
