using System.Globalization;
using System.Text.Json;

namespace Confidant.Services.Configuration;

/// <summary>How the original parsed its environment settings (spec §10 preamble), so the same values mean the same.</summary>
public static class SettingValueParser
{
    /// <summary>False for <c>False</c>, <c>false</c>, <c>0</c> or empty; true for any other text (so <c>no</c> is true).</summary>
    public static bool Boolean(string value) => value is not ("False" or "false" or "0" or "");

    /// <summary>An integer, or a start-up error naming the setting.</summary>
    public static int WholeNumber(string name, string value) =>
        int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{name} must be an integer.");

    /// <summary>JSON text, or a start-up error naming the setting (the value itself is not repeated: it may be secret).</summary>
    public static JsonElement Json(string name, string value, JsonValueKind expected)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == expected
                ? document.RootElement.Clone()
                : throw new InvalidOperationException($"{name} must be a JSON {expected.ToString().ToLowerInvariant()}.");
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"{name} is not valid JSON.");
        }
    }

    /// <summary>A comma-separated list, split without trimming (spec §13.32: the original did not trim).</summary>
    public static string[] List(string value) => value.Split(',');
}
