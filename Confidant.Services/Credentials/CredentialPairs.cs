using System.Collections;
using System.Text;
using System.Text.Json;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;

namespace Confidant.Services.Credentials;

/// <summary>
/// The secret key/value pairs of a credential, in order. Keys are lower-case and unique; values are JSON scalars
/// (spec §9.1). Two sets of pairs are equal when they hold the same keys with the same values, in any order, as
/// Python's dict equality decides.
/// </summary>
public sealed class CredentialPairs : IReadOnlyList<KeyValuePair<string, JsonElement>>, IEquatable<CredentialPairs>
{
    private readonly List<KeyValuePair<string, JsonElement>> _pairs;

    private CredentialPairs(List<KeyValuePair<string, JsonElement>> pairs) => _pairs = pairs;

    public static CredentialPairs Empty { get; } = new([]);

    public int Count => _pairs.Count;

    public KeyValuePair<string, JsonElement> this[int index] => _pairs[index];

    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    /// <summary>
    /// Builds pairs from arbitrary input, applying spec §9.1: keys lower-cased (a later duplicate wins, keeping the
    /// first one's position, as a Python dict does), no whitespace in keys, scalar values only.
    /// </summary>
    public static CredentialPairs Create(IEnumerable<KeyValuePair<string, JsonElement>> input)
    {
        var pairs = new List<KeyValuePair<string, JsonElement>>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in input)
        {
            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Undefined)
            {
                throw ConfidantException.BadRequest(ErrorMessages.CredentialPairsMustBeKeyValue);
            }

            var key = rawKey.ToLowerInvariant();
            if (key.Any(char.IsWhiteSpace))
            {
                throw ConfidantException.BadRequest(ErrorMessages.CredentialKeyWhitespace);
            }

            var entry = new KeyValuePair<string, JsonElement>(key, value.Clone());
            if (positions.TryGetValue(key, out var position))
            {
                pairs[position] = entry;
            }
            else
            {
                positions[key] = pairs.Count;
                pairs.Add(entry);
            }
        }

        return new CredentialPairs(pairs);
    }

    /// <summary>Pairs whose values are all strings.</summary>
    public static CredentialPairs FromStrings(IEnumerable<KeyValuePair<string, string>> input) =>
        Create(input.Select(p => new KeyValuePair<string, JsonElement>(p.Key, JsonSerializer.SerializeToElement(p.Value))));

    /// <summary>Parses the decrypted JSON object text of a stored credential.</summary>
    public static CredentialPairs ParseStored(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Credential pairs are not a JSON object.");
        }

        var pairs = document.RootElement.EnumerateObject()
            .Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value.Clone()))
            .ToList();
        return new CredentialPairs(pairs);
    }

    /// <summary>The JSON object text exactly as Confidant writes it before encryption (spec §7.1).</summary>
    public string ToPythonJson()
    {
        var builder = new StringBuilder();
        builder.Append('{');
        for (var i = 0; i < _pairs.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            PythonJson.WriteString(builder, _pairs[i].Key);
            builder.Append(": ");
            PythonJson.WriteValue(builder, _pairs[i].Value);
        }

        builder.Append('}');
        return builder.ToString();
    }

    public bool TryGetValue(string key, out JsonElement value)
    {
        foreach (var pair in _pairs)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                value = pair.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value as text: strings as themselves, other scalars as their JSON text.</summary>
    public static string DisplayText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    public bool Equals(CredentialPairs? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var (key, value) in _pairs)
        {
            if (!other.TryGetValue(key, out var otherValue) || !JsonScalarEquals(value, otherValue))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as CredentialPairs);

    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var pair in _pairs)
        {
            hash ^= StringComparer.Ordinal.GetHashCode(pair.Key);
        }

        return hash;
    }

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool JsonScalarEquals(JsonElement left, JsonElement right)
    {
        if (left.ValueKind != right.ValueKind)
        {
            return false;
        }

        return left.ValueKind switch
        {
            JsonValueKind.String => string.Equals(left.GetString(), right.GetString(), StringComparison.Ordinal),
            JsonValueKind.Number => left.TryGetDecimal(out var l) && right.TryGetDecimal(out var r)
                ? l == r
                : string.Equals(left.GetRawText(), right.GetRawText(), StringComparison.Ordinal),
            _ => true,
        };
    }
}
