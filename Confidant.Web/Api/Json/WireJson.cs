using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Crypto;

namespace Confidant.Web.Api.Json;

/// <summary>
/// The two response styles of spec §1.2. Style S ("schema"): ISO-8601 dates with <c>+00:00</c>, every field present,
/// Python <c>", "</c>/<c>": "</c> separators. Style P ("plain", Flask <c>jsonify</c>): keys sorted at every level,
/// compact separators, RFC-1123 dates, a trailing newline. Both escape non-ASCII as <c>\uXXXX</c>.
/// </summary>
public static class WireJson
{
    /// <summary>Style S date: <c>2024-05-01T12:30:45.123456+00:00</c>, the fraction omitted when it is zero.</summary>
    public static string? IsoDate(DateTimeOffset? date)
    {
        if (date is not { } value)
        {
            return null;
        }

        var utc = value.ToUniversalTime();
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0
            ? seconds + "+00:00"
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}.{micros:D6}+00:00");
    }

    /// <summary>Style P date: <c>Wed, 01 May 2024 12:30:45 GMT</c>.</summary>
    public static string? HttpDate(DateTimeOffset? date) => Confidant.Services.Revisions.RevisionDiff.HttpDate(date);

    public static string Schema(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node, sortKeys: false, compact: false);
        return builder.ToString();
    }

    public static string Plain(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node, sortKeys: true, compact: true);
        builder.Append('\n');
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonNode? node, bool sortKeys, bool compact)
    {
        var itemSeparator = compact ? "," : ", ";
        var keySeparator = compact ? ":" : ": ";
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var properties = sortKeys
                    ? obj.OrderBy(p => p.Key, StringComparer.Ordinal).ToList()
                    : obj.ToList();
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(itemSeparator);
                    }

                    PythonJson.WriteString(builder, properties[i].Key);
                    builder.Append(keySeparator);
                    Write(builder, properties[i].Value, sortKeys, compact);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(itemSeparator);
                    }

                    Write(builder, array[i], sortKeys, compact);
                }

                builder.Append(']');
                break;
            case JsonValue value:
                if (value.GetValueKind() == JsonValueKind.String)
                {
                    PythonJson.WriteString(builder, value.GetValue<string>());
                }
                else
                {
                    builder.Append(value.ToJsonString());
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node.GetType().Name, "Unsupported JSON node.");
        }
    }
}
