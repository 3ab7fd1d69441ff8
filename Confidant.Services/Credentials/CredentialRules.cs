using System.Text;
using System.Text.Json;
using Confidant.Services.Errors;

namespace Confidant.Services.Credentials;

/// <summary>
/// Validation of credential input (spec §9.1) plus the limits a DynamoDB item imposes (400 KB per item: the pairs are
/// stored Fernet-encrypted and base64-encoded, which grows them by about 40%).
/// </summary>
public static class CredentialRules
{
    public const int MaxNameLength = 512;
    public const int MaxKeyLength = 256;
    public const int MaxValueBytes = 64 * 1024;
    public const int MaxPairsBytes = 192 * 1024;
    public const int MaxPairs = 500;
    public const int MaxMetadataBytes = 32 * 1024;
    public const int MaxDocumentationLength = 32 * 1024;
    public const int MaxTags = 50;
    public const int MaxTagLength = 128;

    public static string ValidName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ConfidantException.BadRequest("name is a required field");
        }

        if (name.Length > MaxNameLength)
        {
            throw ConfidantException.BadRequest($"name must be at most {MaxNameLength} characters");
        }

        if (name.Any(char.IsControl))
        {
            throw ConfidantException.BadRequest("name must not contain control characters");
        }

        return name;
    }

    /// <summary>Builds validated pairs: keys lower-cased, unique, non-empty, no whitespace; scalar values within limits.</summary>
    public static CredentialPairs ValidPairs(IReadOnlyList<KeyValuePair<string, JsonElement>> input)
    {
        if (input.Count > MaxPairs)
        {
            throw ConfidantException.BadRequest($"credential_pairs must have at most {MaxPairs} keys");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in input)
        {
            if (key.Length == 0)
            {
                throw ConfidantException.BadRequest("credential key must not be empty");
            }

            if (key.Length > MaxKeyLength)
            {
                throw ConfidantException.BadRequest($"credential key must be at most {MaxKeyLength} characters");
            }

            if (key.Any(char.IsControl) && !key.Any(char.IsWhiteSpace))
            {
                throw ConfidantException.BadRequest("credential key must not contain control characters");
            }

            // Python collapses keys that differ only in case and keeps the last value; silently dropping a value
            // loses data, so a duplicate is refused instead.
            if (!key.Any(char.IsWhiteSpace) && !seen.Add(key.ToLowerInvariant()))
            {
                throw ConfidantException.BadRequest(
                    $"credential key '{key.ToLowerInvariant()}' appears more than once (keys are case-insensitive)");
            }

            if (value.ValueKind == JsonValueKind.String && Encoding.UTF8.GetByteCount(value.GetString()!) > MaxValueBytes)
            {
                throw ConfidantException.BadRequest(
                    $"the value of credential key '{key.ToLowerInvariant()}' is larger than {MaxValueBytes / 1024} KiB");
            }
        }

        var pairs = CredentialPairs.Create(input);
        if (Encoding.UTF8.GetByteCount(pairs.ToPythonJson()) > MaxPairsBytes)
        {
            throw ConfidantException.BadRequest($"credential_pairs are larger than {MaxPairsBytes / 1024} KiB in all");
        }

        return pairs;
    }

    /// <summary>Metadata must be a JSON object (spec §4.2 "metadata must be a dict"); returns its JSON text.</summary>
    public static string ValidMetadata(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw ConfidantException.BadRequest(ErrorMessages.MetadataMustBeDict);
        }

        var text = Crypto.PythonJson.Serialize(metadata);
        if (Encoding.UTF8.GetByteCount(text) > MaxMetadataBytes)
        {
            throw ConfidantException.BadRequest($"metadata is larger than {MaxMetadataBytes / 1024} KiB");
        }

        return text;
    }

    public static string? ValidDocumentation(string? documentation)
    {
        if (documentation is { Length: > MaxDocumentationLength })
        {
            throw ConfidantException.BadRequest($"documentation must be at most {MaxDocumentationLength} characters");
        }

        return documentation;
    }

    public static IReadOnlyList<string> ValidTags(IReadOnlyList<string> tags)
    {
        if (tags.Count > MaxTags)
        {
            throw ConfidantException.BadRequest($"tags must have at most {MaxTags} entries");
        }

        if (tags.Any(t => t.Length is 0 or > MaxTagLength))
        {
            throw ConfidantException.BadRequest($"each tag must be 1 to {MaxTagLength} characters");
        }

        return tags.Distinct(StringComparer.Ordinal).ToList();
    }
}
