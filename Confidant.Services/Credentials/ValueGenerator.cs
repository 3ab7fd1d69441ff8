using System.Security.Cryptography;

namespace Confidant.Services.Credentials;

/// <summary>
/// Random secret values (spec §4.3, §9.4): 128 random bytes, urlsafe base64, alphanumerics only, 50 characters. The
/// bytes come from the local CSPRNG, not KMS GenerateRandom as in the original: the route needs no authentication, so
/// on KMS it let anyone spend the key-service quota every workload depends on (docs/decisions/0005).
/// </summary>
public static class ValueGenerator
{
    public const int Length = 50;

    private const int RandomBytes = 128;

    public static string Generate()
    {
        var bytes = RandomNumberGenerator.GetBytes(RandomBytes);
        try
        {
            return FromRandomBytes(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>The deterministic part of the recipe, for a given set of random bytes.</summary>
    public static string FromRandomBytes(byte[] bytes)
    {
        var text = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
        return new string(text.Where(char.IsAsciiLetterOrDigit).Take(Length).ToArray());
    }
}
