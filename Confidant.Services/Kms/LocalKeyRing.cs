using System.Text.Json;
using System.Text.Json.Serialization;

namespace Confidant.Services.Kms;

// The key ring file (docs/decisions/0004-local-key-ring.md).
internal sealed record LocalKeyRing(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("keys")] IReadOnlyList<LocalKey> Keys)
{
    /// <summary>Version 2 added HMAC keys (<see cref="LocalKey.KeySpec"/>); version 1 rings load unchanged.</summary>
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions SerializerOptions = new() { WriteIndented = true };

    public static LocalKeyRing Parse(string json, string path)
    {
        LocalKeyRing? ring;
        try
        {
            ring = JsonSerializer.Deserialize<LocalKeyRing>(json, SerializerOptions);
        }
        catch (JsonException ex)
        {
            // The exception text could quote key material from the file, so it is not passed on.
            throw new InvalidOperationException(
                $"The local key ring {path} is not valid JSON (line {ex.LineNumber}).");
        }

        if (ring is null || ring.Version is < 1 or > CurrentVersion || ring.Keys is null)
        {
            throw new InvalidOperationException($"The local key ring {path} is not a version 1 or {CurrentVersion} key ring.");
        }

        foreach (var key in ring.Keys)
        {
            if (key is null || string.IsNullOrEmpty(key.KeyId) || key.Material is not { Length: 32 })
            {
                throw new InvalidOperationException($"The local key ring {path} holds a key without an id or 32 key bytes.");
            }

            if (key.KeySpec is not (null or LocalKey.HmacKeySpec))
            {
                throw new InvalidOperationException($"The local key ring {path} holds key {key.KeyId} of unknown key spec '{key.KeySpec}'.");
            }
        }

        return ring;
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, SerializerOptions);
}

internal sealed record LocalKey(
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("arn")] string Arn,
    [property: JsonPropertyName("creationDate")] DateTimeOffset CreationDate,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("material")] byte[] Material,
    [property: JsonPropertyName("keySpec"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KeySpec = null)
{
    public const string ArnPrefix = "arn:confidant:kms:local:key/";
    public const string AliasArnPrefix = "arn:confidant:kms:local:";

    /// <summary>KMS's name for a 256-bit HMAC key; an absent key spec is an AES-256-GCM encryption key.</summary>
    public const string HmacKeySpec = "HMAC_256";

    public bool IsHmac => KeySpec == HmacKeySpec;
}
