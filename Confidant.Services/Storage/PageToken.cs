using System.Text;
using System.Text.Json;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;

namespace Confidant.Services.Storage;

/// <summary>
/// The list page token (spec §4.0 "Pagination envelope", Appendix A): standard base64 of the Python-spaced JSON of
/// DynamoDB's LastEvaluatedKey on the GSI. Both backends use it, so tokens survive a mixed Python/C# fleet and a
/// change of backend.
/// </summary>
internal sealed record PageToken(string Id, DataType DataType, string ModifiedDate)
{
    public static PageToken From(StoredItem item) =>
        new(item.Id, item.DataType, ConfidantDates.ToStored(item.ModifiedDate));

    public static PageToken From(NamedItem item) =>
        new(item.Id, item.DataType, ConfidantDates.ToStored(item.ModifiedDate));

    public string Encode()
    {
        var json = new StringBuilder();
        json.Append("{\"id\": {\"S\": ");
        PythonJson.WriteString(json, Id);
        json.Append("}, \"data_type\": {\"S\": ");
        PythonJson.WriteString(json, DataType.ToWire());
        json.Append("}, \"modified_date\": {\"S\": ");
        PythonJson.WriteString(json, ModifiedDate);
        json.Append("}}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToString()));
    }

    /// <summary>
    /// Decodes a token of a query on <paramref name="expectedType"/>. Anything else, including a token of another
    /// data type, is the client's fault: 400 "Failed to parse page" (spec §4.0).
    /// </summary>
    public static PageToken Decode(string token, DataType expectedType)
    {
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            var root = document.RootElement;
            var id = ReadS(root, "id");
            var dataType = ReadS(root, "data_type");
            var modifiedDate = ReadS(root, "modified_date");
            if (id is { Length: > 0 }
                && DataTypes.TryParse(dataType, out var type)
                && type == expectedType
                && ConfidantDates.TryParseStored(modifiedDate, out _))
            {
                return new PageToken(id, type, modifiedDate!);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            // Falls through to the same client error: the token's content is never echoed back.
        }

        throw ConfidantException.BadRequest(ErrorMessages.FailedToParsePage);
    }

    private static string? ReadS(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty(name, out var attribute)
        && attribute.ValueKind == JsonValueKind.Object
        && attribute.TryGetProperty("S", out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
