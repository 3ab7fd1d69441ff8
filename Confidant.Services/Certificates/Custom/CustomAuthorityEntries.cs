using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Confidant.Services.Certificates.Custom;

/// <summary>
/// Reads <c>Certificates:Custom:Authorities</c> and <c>:ActiveKeys</c> (the original's
/// <c>CUSTOM_CERTIFICATE_AUTHORITIES</c> and <c>CUSTOM_CA_ACTIVE_KEYS</c>, spec §9.11). As in the original, entries
/// missing a field are ignored and a CA without an active key is not offered; unlike it, an active key that is
/// missing or cannot be loaded stops the start with a message naming the CA (the original failed each request).
/// Messages never contain key material or passphrases.
/// </summary>
internal static class CustomAuthorityEntries
{
    private const string AuthoritiesKey = "Certificates:Custom:Authorities";
    private const string ActiveKeysKey = "Certificates:Custom:ActiveKeys";

    private static readonly string[] TextFields = ["crt", "key", "kid"];
    private static readonly string[] NullableFields = ["rootcrt", "passphrase"];

    /// <summary>Each CA with an active key: its name, its signing certificate (with the key) and its root.</summary>
    public static List<(string Name, X509Certificate2 Signer, X509Certificate2? Root)> Load(CustomCertificateAuthorityOptions options)
    {
        var loaded = new List<(string, X509Certificate2, X509Certificate2?)>();
        if (string.IsNullOrWhiteSpace(options.Authorities))
        {
            return loaded;
        }

        using var authorities = Parse(options.Authorities, AuthoritiesKey, fromBase64: true);
        using var active = Parse(string.IsNullOrWhiteSpace(options.ActiveKeys) ? "{}" : options.ActiveKeys, ActiveKeysKey, fromBase64: false);
        foreach (var ca in authorities.RootElement.EnumerateObject())
        {
            if (!active.RootElement.TryGetProperty(ca.Name, out var kid) || kid.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var entry = ca.Value.ValueKind == JsonValueKind.Array
                ? ca.Value.EnumerateArray().FirstOrDefault(e => IsComplete(e) && e.GetProperty("kid").GetString() == kid.GetString())
                : default;
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException(
                    $"{ActiveKeysKey} names key '{kid.GetString()}' for CA '{ca.Name}', but {AuthoritiesKey} has no complete entry with that kid.");
            }

            loaded.Add((ca.Name, Signer(ca.Name, entry), Root(ca.Name, entry)));
        }

        return loaded;
    }

    private static JsonDocument Parse(string text, string key, bool fromBase64)
    {
        var json = text.TrimStart();
        try
        {
            if (fromBase64 && !json.StartsWith('{'))
            {
                json = Encoding.UTF8.GetString(Convert.FromBase64String(json));
            }

            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InvalidOperationException($"{key} must be a JSON object.");
            }

            return document;
        }
        catch (Exception error) when (error is JsonException or FormatException)
        {
            throw new InvalidOperationException($"{key} is neither JSON nor base64 of JSON.", error);
        }
    }

    // The original's schema: crt, key and kid strings; rootcrt and passphrase present, string or null.
    private static bool IsComplete(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object
        && TextFields.All(field => entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
        && NullableFields.All(field => entry.TryGetProperty(field, out var value)
            && value.ValueKind is JsonValueKind.String or JsonValueKind.Null);

    private static X509Certificate2 Signer(string ca, JsonElement entry)
    {
        var crt = entry.GetProperty("crt").GetString()!;
        var key = entry.GetProperty("key").GetString()!;
        X509Certificate2 signer;
        try
        {
            signer = entry.GetProperty("passphrase").GetString() is { } passphrase
                ? X509Certificate2.CreateFromEncryptedPem(crt, key, passphrase)
                : X509Certificate2.CreateFromPem(crt, key);
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{AuthoritiesKey}: the active certificate and key of CA '{ca}' could not be loaded (they must match; an "
                + "encrypted key must be PKCS#8, 'BEGIN ENCRYPTED PRIVATE KEY', with the right passphrase).", error);
        }

        if (signer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: false })
        {
            signer.Dispose();
            throw new InvalidOperationException($"{AuthoritiesKey}: the active certificate of CA '{ca}' is not a CA certificate.");
        }

        return signer;
    }

    private static X509Certificate2? Root(string ca, JsonElement entry)
    {
        if (entry.GetProperty("rootcrt").GetString() is not { Length: > 0 } pem)
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException($"{AuthoritiesKey}: the root certificate of CA '{ca}' is not a PEM certificate.", error);
        }
    }
}
