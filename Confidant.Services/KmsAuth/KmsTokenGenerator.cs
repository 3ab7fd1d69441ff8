using System.Text;
using Confidant.Services.Kms;

namespace Confidant.Services.KmsAuth;

/// <summary>A minted token and the username that goes with it.</summary>
public sealed record KmsAuthToken(string Username, string Token, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

/// <summary>
/// Mints kmsauth tokens exactly as the Python kmsauth generator does (spec §2.4): back-dated three minutes, payload
/// <c>{"not_before": "...", "not_after": "..."}</c>, token = standard base64 of the KMS ciphertext.
/// </summary>
public sealed class KmsTokenGenerator(IKeyService keys, TimeProvider time)
{
    public async Task<KmsAuthToken> GenerateAsync(
        string keyId,
        string from,
        string to,
        string userType = "service",
        int version = 2,
        int lifetimeMinutes = 10,
        CancellationToken cancellationToken = default)
    {
        if (version is < 1 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "kmsauth token versions are 1 and 2.");
        }

        var username = new KmsAuthUsername(version, userType, from);
        var now = time.GetUtcNow();
        var notBefore = Truncate(now.AddMinutes(-3));
        var notAfter = Truncate(now.AddMinutes(lifetimeMinutes - 3));
        var payload = Payload(notBefore, notAfter);
        var encrypted = await keys.EncryptAsync(keyId, Encoding.UTF8.GetBytes(payload), username.EncryptionContext(to), cancellationToken);
        return new KmsAuthToken(username.ToString(), Convert.ToBase64String(encrypted.Ciphertext), notBefore, notAfter);
    }

    /// <summary>The payload text, with Python's <c>json.dumps</c> spacing.</summary>
    public static string Payload(DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        $"{{\"not_before\": \"{KmsTokenValidator.FormatTimestamp(notBefore)}\", \"not_after\": \"{KmsTokenValidator.FormatTimestamp(notAfter)}\"}}";

    private static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
