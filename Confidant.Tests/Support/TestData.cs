using System.Text.Json;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;

namespace Confidant.Tests.Support;

/// <summary>Builders for domain input.</summary>
public static class TestData
{
    public static IReadOnlyList<KeyValuePair<string, JsonElement>> Pairs(params (string Key, string Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, JsonElement>(p.Key, JsonSerializer.SerializeToElement(p.Value))).ToList();

    public static CredentialInput Credential(string name, params (string Key, string Value)[] pairs) => new()
    {
        Name = name,
        Pairs = Pairs(pairs),
        Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["owner"] = "payments" }),
        Documentation = "rotate in the dashboard",
        Tags = ["FINANCIALLY_SENSITIVE"],
    };

    /// <summary>A blind credential as a client sends it: one region's ciphertext and data key, and the key names it holds.</summary>
    public static BlindCredentialInput BlindCredential(string name, params string[] keys) => new()
    {
        Name = name,
        CredentialPairs = Json("""{"us-east-1": "c2VhbGVk"}"""),
        DataKey = Json("""{"us-east-1": "a2V5"}"""),
        CipherType = "fernet",
        CipherVersion = 2,
        CredentialKeys = keys,
    };

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static string Value(CredentialPairs? pairs, string key) =>
        pairs is not null && pairs.TryGetValue(key, out var value) ? CredentialPairs.DisplayText(value) : throw new KeyNotFoundException(key);
}
