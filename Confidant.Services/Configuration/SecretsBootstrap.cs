using System.Collections;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Confidant.Services.Configuration;

/// <summary>
/// The secrets bootstrap (spec §7.4, <c>SECRETS_BOOTSTRAP</c>): <c>{"data_key": base64 KMS ciphertext, "secrets":
/// Fernet token}</c>, the data key a 44-character Fernet key encrypted under the master key with the context
/// <c>{"type": "bootstrap"}</c>, the secrets a YAML (or JSON) mapping of setting names to values, as the original's
/// <c>generate_secrets_bootstrap</c> writes it. Errors name what is wrong, never a value.
/// </summary>
public static class SecretsBootstrap
{
    public const string SettingName = "SECRETS_BOOTSTRAP";

    /// <summary>The audit trail's resource type for a bootstrap (its id is <see cref="Fingerprint"/>).</summary>
    public const string AuditResource = "secrets_bootstrap";

    private const string FilePrefix = "file://";

    private static readonly Dictionary<string, string> Context = new(StringComparer.Ordinal) { ["type"] = "bootstrap" };

    /// <summary>The <c>SECRETS_BOOTSTRAP</c> value in <paramref name="environment"/>, or null when unset or empty.</summary>
    public static string? Configured(IDictionary environment) =>
        environment[SettingName] is string { Length: > 0 } value ? value : null;

    /// <summary>
    /// The bootstrap document a <c>SECRETS_BOOTSTRAP</c> value names: the JSON itself, or the contents of the file of a
    /// <c>file://PATH</c> value (a relative path from the working directory, as the original opened it).
    /// </summary>
    public static Task<string> ReadDocumentAsync(string setting, CancellationToken cancellationToken = default) =>
        setting.StartsWith(FilePrefix, StringComparison.Ordinal)
            ? File.ReadAllTextAsync(setting[FilePrefix.Length..], cancellationToken)
            : Task.FromResult(setting);

    /// <summary>Where <paramref name="setting"/> reads the bootstrap from, for messages: its file, or the variable.</summary>
    public static string Source(string setting) =>
        setting.StartsWith(FilePrefix, StringComparison.Ordinal) ? setting[FilePrefix.Length..] : SettingName;

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
        var (dataKey, secrets) = Parse(document);
        var key = await keys.DecryptAsync(dataKey, Context, cancellationToken);
        try
        {
            return Encoding.UTF8.GetString(Fernet.Decrypt(Encoding.ASCII.GetString(key.Plaintext), secrets));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key.Plaintext);
        }
    }

    /// <summary>
    /// A name for one bootstrap that says nothing of its secrets: the first 16 hex digits of the SHA-256 of its
    /// wrapped data key, so the records of its generation and of its reads can be matched.
    /// </summary>
    public static string Fingerprint(string document) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Parse(document).DataKey))[..16];

    /// <summary>
    /// The decrypted secrets as setting name → value (spec §7.4: a YAML mapping; JSON is YAML too). Scalars only: a
    /// list or mapping under a name is refused with that name. <see cref="InvalidDataException"/> names no value.
    /// </summary>
    public static Dictionary<string, string> ParseSecrets(string text)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // The parser's own message may quote the text it stopped at: only the position is kept.
            throw new InvalidDataException($"the secrets are not valid YAML (line {e.Start.Line}).");
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (yaml.Documents.FirstOrDefault()?.RootNode)
        {
            case null:
                return settings;
            case YamlMappingNode mapping:
                foreach (var (name, value) in mapping.Children)
                {
                    var key = (name as YamlScalarNode)?.Value ?? throw new InvalidDataException("the secrets have a name that is not text.");
                    settings[key] = value is YamlScalarNode scalar
                        ? scalar.Value ?? string.Empty
                        : throw new InvalidDataException($"the secret {key} is not a single value.");
                }

                return settings;
            default:
                throw new InvalidDataException("the secrets are not a mapping of setting names to values.");
        }
    }

    private static (byte[] DataKey, string Secrets) Parse(string document)
    {
        try
        {
            var root = JsonNode.Parse(document);
            var dataKey = root?["data_key"]?.GetValue<string>() ?? throw new InvalidDataException("the bootstrap has no data_key.");
            var secrets = root["secrets"]?.GetValue<string>() ?? throw new InvalidDataException("the bootstrap has no secrets.");
            return (Convert.FromBase64String(dataKey), secrets);
        }
        catch (Exception failure) when (failure is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("the bootstrap is not a JSON object with a base64 data_key and secrets.");
        }
    }
}
