using System.Text.Json;

namespace Confidant.Services.Exposure;

/// <summary>
/// The owners a resource's metadata names under <c>Exposure:OwnerMetadataKey</c>: e-mail addresses or group names, as
/// one string separated by commas, semicolons or spaces, or as a JSON list of strings.
/// </summary>
public static class Owners
{
    private static readonly char[] Separators = [',', ';', ' ', '\t', '\n', '\r'];

    /// <summary>The owners named, none when the metadata is not a JSON object (a stored item written by hand).</summary>
    public static IReadOnlyList<string> From(string metadataJson, string key)
    {
        try
        {
            using var document = JsonDocument.Parse(metadataJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(key, out var value))
            {
                return [];
            }

            var names = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!.Split(Separators, StringSplitOptions.RemoveEmptyEntries),
                JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!.Trim()),
                _ => [],
            };
            return names.Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
