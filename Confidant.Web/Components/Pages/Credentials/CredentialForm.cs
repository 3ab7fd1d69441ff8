using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Storage;

namespace Confidant.Web.Components.Pages.Credentials;

/// <summary>
/// What the credential page edits, and its translation into the domain's <see cref="CredentialInput"/>. Values of
/// pairs are held only once revealed; until then an update leaves the stored pairs as they are.
/// </summary>
internal sealed class CredentialForm
{
    // Values as loaded, so a value shown as text but stored as another JSON scalar (a number, say) keeps its type
    // when it is saved unchanged.
    private readonly Dictionary<string, JsonElement> _loadedValues = new(StringComparer.Ordinal);
    private string? _loadedDocumentation;

    public string Name { get; set; } = string.Empty;

    public bool Enabled { get; set; } = true;

    public string Documentation { get; set; } = string.Empty;

    /// <summary>Comma-separated tags as typed.</summary>
    public string Tags { get; set; } = string.Empty;

    public List<MetadataRow> Metadata { get; } = [];

    /// <summary>The pairs editor's rows; empty until revealed for an existing credential.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; set; } = [];

    /// <summary>True once the values are in the form (always for a new credential).</summary>
    public bool HasValues { get; private set; }

    public IReadOnlyList<string> TagList =>
        Tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    public static CredentialForm ForNew() => new() { Pairs = [new(string.Empty, string.Empty)], HasValues = true };

    public static CredentialForm From(CredentialItem item)
    {
        var form = new CredentialForm
        {
            Name = item.Name,
            Enabled = item.Enabled,
            Documentation = item.Documentation ?? string.Empty,
            Tags = string.Join(", ", item.Tags),
            _loadedDocumentation = item.Documentation,
        };
        using var metadata = JsonDocument.Parse(item.Metadata);
        if (metadata.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in metadata.RootElement.EnumerateObject())
            {
                form.Metadata.Add(MetadataRow.Loaded(property.Name, property.Value.Clone()));
            }
        }

        return form;
    }

    public void Reveal(CredentialPairs pairs)
    {
        _loadedValues.Clear();
        foreach (var (key, value) in pairs)
        {
            _loadedValues[key] = value;
        }

        Pairs = pairs.Select(p => new KeyValuePair<string, string>(p.Key, CredentialPairs.DisplayText(p.Value))).ToList();
        HasValues = true;
    }

    /// <summary>The value of a key once revealed.</summary>
    public string? ValueOf(string key) =>
        Pairs.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Keys the save would store, lower-cased as the domain stores them (spec §9.1).</summary>
    public IReadOnlyList<string> PairKeys => Pairs.Select(p => p.Key.ToLowerInvariant()).ToList();

    /// <summary>What is wrong with the metadata rows, before asking the domain; null when nothing.</summary>
    public string? MetadataError()
    {
        if (Metadata.Any(r => string.IsNullOrWhiteSpace(r.Key)))
        {
            return "Every metadata row needs a key.";
        }

        var duplicate = Metadata.GroupBy(r => r.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"The metadata key '{duplicate.Key}' appears more than once.";
    }

    public CredentialInput ToInput(int? expectedRevision)
    {
        var metadata = Metadata.ToDictionary(r => r.Key, r => r.ToJson(), StringComparer.Ordinal);
        var documentationChanged = !string.Equals(Documentation, _loadedDocumentation ?? string.Empty, StringComparison.Ordinal);
        return new CredentialInput
        {
            Name = Name,
            Enabled = Enabled,
            Metadata = JsonSerializer.SerializeToElement(metadata),
            Documentation = documentationChanged || expectedRevision is null ? Documentation : null,
            Tags = TagList,
            Pairs = HasValues ? Pairs.Select(p => new KeyValuePair<string, JsonElement>(p.Key, ValueToJson(p))).ToList() : null,
            ExpectedRevision = expectedRevision,
        };
    }

    private JsonElement ValueToJson(KeyValuePair<string, string> pair) =>
        _loadedValues.TryGetValue(pair.Key, out var loaded)
        && string.Equals(CredentialPairs.DisplayText(loaded), pair.Value, StringComparison.Ordinal)
            ? loaded
            : JsonSerializer.SerializeToElement(pair.Value);
}

/// <summary>One row of clear metadata; values are text unless a loaded non-text value is left unchanged.</summary>
internal sealed class MetadataRow
{
    private JsonElement? _loaded;

    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    public static MetadataRow Loaded(string key, JsonElement value) => new()
    {
        Key = key,
        Value = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText(),
        _loaded = value,
    };

    public JsonElement ToJson() =>
        _loaded is { } loaded && string.Equals(Loaded(Key, loaded).Value, Value, StringComparison.Ordinal)
            ? loaded
            : JsonSerializer.SerializeToElement(Value);
}
