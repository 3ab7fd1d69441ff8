using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>
/// Typed reads of one stored item's attributes. Legacy encodings are tolerated (spec §6.4); anything else is an
/// error naming the item and the attribute, never the value.
/// </summary>
internal sealed class AttributeReader(Dictionary<string, AttributeValue> attributes)
{
    public string Id { get; } = attributes.TryGetValue("id", out var id) && id.S is { } text ? text : "(no id)";

    public InvalidDataException Unreadable(string attribute) =>
        new($"Stored item '{Id}' has a missing or unreadable attribute '{attribute}'.");

    public string RequiredString(string name) => OptionalString(name) ?? throw Unreadable(name);

    public string? OptionalString(string name) =>
        attributes.TryGetValue(name, out var value) ? value.S ?? throw Unreadable(name) : null;

    public int RequiredInt(string name) => OptionalInt(name) ?? throw Unreadable(name);

    public int? OptionalInt(string name)
    {
        if (!attributes.TryGetValue(name, out var value))
        {
            return null;
        }

        return int.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Unreadable(name);
    }

    public bool RequiredBool(string name)
    {
        if (attributes.TryGetValue(name, out var value))
        {
            if (value.IsBOOLSet)
            {
                return value.BOOL == true;
            }

            // Items written before Confidant 4.0 hold N 0/1 (spec §6.4).
            switch (value.N)
            {
                case "0": return false;
                case "1": return true;
            }
        }

        throw Unreadable(name);
    }

    public DateTimeOffset RequiredDate(string name) => OptionalDate(name) ?? throw Unreadable(name);

    public DateTimeOffset? OptionalDate(string name)
    {
        if (!attributes.TryGetValue(name, out var value))
        {
            return null;
        }

        return ConfidantDates.TryParseStored(value.S, out var date) ? date : throw Unreadable(name);
    }

    public string RequiredAsciiBinary(string name)
    {
        if (!attributes.TryGetValue(name, out var value) || value.B is null)
        {
            throw Unreadable(name);
        }

        var bytes = value.B.ToArray();
        if (bytes.Any(b => b > 0x7F))
        {
            throw Unreadable(name);
        }

        return Encoding.ASCII.GetString(bytes);
    }

    public List<string> StringList(string name)
    {
        if (!attributes.TryGetValue(name, out var value))
        {
            return [];
        }

        if (value.L is { } list)
        {
            return [.. list.Select(element => element.S ?? throw Unreadable(name))];
        }

        return value.SS is { } set ? [.. set] : throw Unreadable(name);
    }

    public IReadOnlyList<string> StringSet(string name)
    {
        if (!attributes.TryGetValue(name, out var value))
        {
            return [];
        }

        if (value.SS is not { } set)
        {
            throw Unreadable(name);
        }

        // Sets have no order; sorting makes reads deterministic. Pre-2.0 data JSON-quotes each member.
        return [.. set.Select(Unquote).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static string Unquote(string member)
    {
        if (member.Length >= 2 && member[0] == '"' && member[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize<string>(member) ?? member;
            }
            catch (JsonException)
            {
                return member;
            }
        }

        return member;
    }
}
