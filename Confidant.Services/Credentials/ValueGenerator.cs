using Confidant.Services.Kms;

namespace Confidant.Services.Credentials;

/// <summary>Random secret values (spec §4.3, §9.4): 128 random bytes, urlsafe base64, alphanumerics only, 50 characters.</summary>
public sealed class ValueGenerator(IKeyService keys)
{
    public const int Length = 50;

    public async Task<string> GenerateAsync(CancellationToken cancellationToken = default)
    {
        var bytes = await keys.GenerateRandomAsync(128, cancellationToken);
        return FromRandomBytes(bytes);
    }

    /// <summary>The deterministic part of the recipe, for a given set of random bytes.</summary>
    public static string FromRandomBytes(byte[] bytes)
    {
        var text = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
        return new string(text.Where(char.IsAsciiLetterOrDigit).Take(Length).ToArray());
    }
}
