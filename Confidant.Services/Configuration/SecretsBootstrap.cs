using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;

namespace Confidant.Services.Configuration;

/// <summary>
/// The secrets bootstrap (spec §7.4, <c>SECRETS_BOOTSTRAP</c>): <c>{"data_key": base64 KMS ciphertext, "secrets":
/// Fernet token}</c>, the data key a 44-character Fernet key encrypted under the master key with the context
/// <c>{"type": "bootstrap"}</c>, the secrets a YAML (or JSON) mapping of setting names to values, as the original's
/// <c>generate_secrets_bootstrap</c> writes it.
/// </summary>
public static class SecretsBootstrap
{
    private static readonly Dictionary<string, string> Context = new(StringComparer.Ordinal) { ["type"] = "bootstrap" };

    public static async Task<string> GenerateAsync(IKeyService keys, string masterKeyId, string secrets, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var random = await keys.GenerateRandomAsync(32, cancellationToken);
        var keyText = Fernet.GenerateKeyText(random);
        CryptographicOperations.ZeroMemory(random);
        var wrapped = await keys.EncryptAsync(masterKeyId, Encoding.ASCII.GetBytes(keyText), Context, cancellationToken);
        return new JsonObject
        {
            ["data_key"] = Convert.ToBase64String(wrapped.Ciphertext),
            ["secrets"] = Fernet.Encrypt(keyText, Encoding.UTF8.GetBytes(secrets), time.GetUtcNow()),
        }.ToJsonString();
    }

    /// <summary>The secrets text of a bootstrap document; <see cref="InvalidDataException"/> when it is not one.</summary>
    public static async Task<string> DecryptAsync(IKeyService keys, string document, CancellationToken cancellationToken = default)
    {
        string dataKey, secrets;
        try
        {
            var root = JsonNode.Parse(document);
            dataKey = root?["data_key"]?.GetValue<string>() ?? throw new InvalidDataException("the bootstrap has no data_key.");
            secrets = root["secrets"]?.GetValue<string>() ?? throw new InvalidDataException("the bootstrap has no secrets.");
        }
        catch (Exception failure) when (failure is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("the bootstrap is not a JSON object with data_key and secrets.", failure);
        }

        var key = await keys.DecryptAsync(Convert.FromBase64String(dataKey), Context, cancellationToken);
        try
        {
            return Encoding.UTF8.GetString(Fernet.Decrypt(Encoding.ASCII.GetString(key.Plaintext), secrets));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key.Plaintext);
        }
    }
}
