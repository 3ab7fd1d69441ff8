using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Confidant.Services.Jwt;

/// <summary>
/// The keys of <see cref="JwtOptions.CertificateAuthorities"/> in the original's format (spec §9.12): base64 of
/// <c>{"&lt;environment&gt;": [{"crt": PEM, "key": PEM, "passphrase": str|null, "kid": str}]}</c>. As the original
/// (which validated entries with a strict schema), an entry lacking a field, with a field of the wrong type or with an
/// unknown field is skipped and reported; a key that cannot be read stops the start, naming environment and kid.
/// Every key of an environment is published; the one named by <see cref="JwtOptions.ActiveSigningKeys"/> signs.
/// </summary>
internal sealed record ConfiguredSigningKeys(IReadOnlyDictionary<string, JwtEnvironmentKeys> Environments, IReadOnlyList<string> Skipped)
{
    private const string Setting = "Jwt:CertificateAuthorities (JWT_CERTIFICATE_AUTHORITIES)";
    private static readonly string[] Fields = ["crt", "key", "passphrase", "kid"];

    public static ConfiguredSigningKeys None { get; } = new(new Dictionary<string, JwtEnvironmentKeys>(StringComparer.Ordinal), []);

    /// <summary>Start-up problems with the configured keys, for the options validator (never key material).</summary>
    public static IEnumerable<string> Problems(JwtOptions options)
    {
        ConfiguredSigningKeys keys;
        try
        {
            keys = Load(options);
        }
        catch (InvalidOperationException error)
        {
            return [error.Message];
        }

        foreach (var environment in keys.Environments.Values)
        {
            environment.Active?.Signer?.Rsa.Dispose();
        }

        return options.GeneratedEnvironments.Where(keys.Environments.ContainsKey).Select(environment =>
            $"Jwt:Environments names '{environment}', whose keys Jwt:CertificateAuthorities configures: remove it there, or set Jwt:GenerateKeys=false.");
    }

    public static ConfiguredSigningKeys Load(JwtOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificateAuthorities))
        {
            return None;
        }

        var environments = new Dictionary<string, JwtEnvironmentKeys>(StringComparer.Ordinal);
        var skipped = new List<string>();
        using var document = Parse(options.CertificateAuthorities);
        foreach (var environment in document.RootElement.EnumerateObject())
        {
            if (environment.Value.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidOperationException($"{Setting}: the value of environment '{environment.Name}' must be a list of keys.");
            }

            options.ActiveSigningKeys.TryGetValue(environment.Name, out var activeKid);
            var keys = new List<JwtSigningKey>();
            JwtSigningKey? active = null;
            var index = 0;
            foreach (var entry in environment.Value.EnumerateArray())
            {
                if (Invalid(entry) is { } reason)
                {
                    skipped.Add(string.Create(CultureInfo.InvariantCulture, $"{environment.Name}[{index}]: {reason}"));
                }
                else if (keys.All(k => k.Kid != entry.GetProperty("kid").GetString()))
                {
                    // As the original's JWKSet: the first entry with a kid wins.
                    var key = Read(environment.Name, entry, entry.GetProperty("kid").GetString() == activeKid);
                    keys.Add(key);
                    active ??= key.Signer is null ? null : key;
                }

                index++;
            }

            environments[environment.Name] = new JwtEnvironmentKeys(active, keys);
        }

        return new ConfiguredSigningKeys(environments, skipped);
    }

    private static JsonDocument Parse(string text)
    {
        var trimmed = text.Trim();
        string json;
        if (trimmed.StartsWith('{'))
        {
            json = trimmed;
        }
        else
        {
            try
            {
                json = Encoding.UTF8.GetString(Convert.FromBase64String(trimmed));
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{Setting} is neither base64 nor JSON.");
            }
        }

        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Reported below without echoing the text, which holds private keys.
        }

        throw new InvalidOperationException($"{Setting} must be (base64 of) a JSON object of environment → list of keys.");
    }

    private static string? Invalid(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return "not an object";
        }

        foreach (var property in entry.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                return $"unknown field '{property.Name}'";
            }
        }

        foreach (var field in Fields)
        {
            if (!entry.TryGetProperty(field, out var value))
            {
                return $"missing '{field}'";
            }

            var nullable = field == "passphrase";
            if (value.ValueKind != JsonValueKind.String && !(nullable && value.ValueKind == JsonValueKind.Null))
            {
                return $"'{field}' must be a string{(nullable ? " or null" : string.Empty)}";
            }
        }

        return null;
    }

    private static JwtSigningKey Read(string environment, JsonElement entry, bool signs)
    {
        var kid = entry.GetProperty("kid").GetString()!;
        RSA rsa;
        try
        {
            rsa = PemPrivateKey.Import(entry.GetProperty("key").GetString()!, entry.GetProperty("passphrase").GetString());
        }
        catch (FormatException error)
        {
            throw new InvalidOperationException($"{Setting}: the key '{kid}' of environment '{environment}' is {error.Message}.");
        }

        if (signs)
        {
            return JwtSigningKey.FromPrivate(kid, rsa, retireAt: null, signs: true);
        }

        using (rsa)
        {
            return JwtSigningKey.FromPrivate(kid, rsa, retireAt: null, signs: false);
        }
    }
}
