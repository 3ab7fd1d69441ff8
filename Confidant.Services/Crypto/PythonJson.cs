using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Confidant.Services.Crypto;

/// <summary>
/// JSON text as Python's <c>json.dumps</c> writes it with default arguments: <c>", "</c> and <c>": "</c>
/// separators and <c>ensure_ascii</c> escapes (spec §7.1). What Confidant encrypts must be byte-identical so that
/// a Confidant server reads our ciphertexts as its own.
/// </summary>
public static class PythonJson
{
    /// <summary>Writes a JSON string literal with Python's escaping.</summary>
    public static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        // Python escapes every non-printable-ASCII UTF-16 unit as \uxxxx (lowercase hex).
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    /// <summary>Writes any JSON value with Python's separators (objects keep their order).</summary>
    public static void WriteValue(StringBuilder builder, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var firstProperty = true;
                foreach (var property in value.EnumerateObject())
                {
                    if (!firstProperty)
                    {
                        builder.Append(", ");
                    }

                    firstProperty = false;
                    WriteString(builder, property.Name);
                    builder.Append(": ");
                    WriteValue(builder, property.Value);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        builder.Append(", ");
                    }

                    firstItem = false;
                    WriteValue(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, value.GetString()!);
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                builder.Append("null");
                break;
            case JsonValueKind.Number:
                builder.Append(value.GetRawText());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.ValueKind, "Unsupported JSON value kind.");
        }
    }

    /// <summary>Serialises a JSON value as Python would.</summary>
    public static string Serialize(JsonElement value)
    {
        var builder = new StringBuilder();
        WriteValue(builder, value);
        return builder.ToString();
    }
}
