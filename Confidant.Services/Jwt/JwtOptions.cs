using Microsoft.Extensions.Options;

namespace Confidant.Services.Jwt;

/// <summary>
/// Configuration section <c>Jwt</c>: the signing keys of <c>GET /v1/jwks/token</c> and <c>/v1/jwks/public</c> (spec
/// §4.8, §9.12, §10.9). Keys come from <see cref="CertificateAuthorities"/> (the original's
/// <c>JWT_CERTIFICATE_AUTHORITIES</c>) or, for the environments of <see cref="Environments"/>, are generated here and
/// kept in <see cref="KeyFile"/> with their private parts encrypted by the key service.
/// </summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    internal const int MaxLifetimeSeconds = 7 * 24 * 3600;
    internal const int MaxCacheSize = 1_000_000;
    internal static readonly int[] KeySizes = [2048, 3072, 4096];

    /// <summary>Generate a signing key for each of <see cref="Environments"/> (off when keys are configured the original's way).</summary>
    public bool GenerateKeys { get; set; } = true;

    /// <summary>Environments that get a generated key (appsettings.json: <c>development</c>). Blank names are ignored.</summary>
    public List<string> Environments { get; set; } = [];

    /// <summary>
    /// JWT_CERTIFICATE_AUTHORITIES: base64 of the JSON <c>{"env": [{"crt", "key", "passphrase", "kid"}]}</c> (spec
    /// §9.12), or that JSON itself.
    /// </summary>
    public string? CertificateAuthorities { get; set; }

    /// <summary>JWT_ACTIVE_SIGNING_KEYS: environment → the kid of its configured key that signs.</summary>
    public Dictionary<string, string> ActiveSigningKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>JWT_DEFAULT_JWT_EXPIRATION_SECONDS: how long an issued token is valid.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>
    /// The clock difference verifiers are assumed to allow (Microsoft.IdentityModel's default): a retired key stays
    /// published this much longer than the last token it signed.
    /// </summary>
    public int ClockSkewSeconds { get; set; } = 300;

    /// <summary>Where generated keys are kept; relative paths resolve against the content root.</summary>
    public string KeyFile { get; set; } = "App_Data/confidant.jwt-keys.json";

    /// <summary>RSA modulus size of generated keys.</summary>
    public int KeySize { get; set; } = 2048;

    /// <summary>How often a running server looks for keys rotated by another process (the <c>jwt rotate</c> verb).</summary>
    public int KeyRefreshSeconds { get; set; } = 60;

    public JwtCacheOptions Cache { get; set; } = new();

    /// <summary>The environments that get a generated key.</summary>
    public IReadOnlyList<string> GeneratedEnvironments =>
        GenerateKeys ? [.. Environments.Where(e => !string.IsNullOrWhiteSpace(e)).Distinct(StringComparer.Ordinal)] : [];

    /// <summary>
    /// How long a superseded key stays published: every token it signed has expired, for a verifier whose clock is
    /// late by the skew, even if a server that had not yet seen the rotation signed one just before refreshing.
    /// </summary>
    public TimeSpan DrainPeriod => TimeSpan.FromSeconds((long)TokenLifetimeSeconds + ClockSkewSeconds + KeyRefreshSeconds);
}

/// <summary>The issued-token cache (JWT_CACHING_ENABLED, JWT_CACHING_MAX_SIZE, JWT_CACHING_TTL_SECONDS).</summary>
public sealed class JwtCacheOptions
{
    public bool Enabled { get; set; }

    public int MaxSize { get; set; } = 1000;

    public int TtlSeconds { get; set; } = 900;
}

internal sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        const string Section = JwtOptions.SectionName;
        var failures = new List<string>();
        if (options.TokenLifetimeSeconds is < 1 or > JwtOptions.MaxLifetimeSeconds)
        {
            failures.Add($"{Section}:TokenLifetimeSeconds must be between 1 and {JwtOptions.MaxLifetimeSeconds} (was {options.TokenLifetimeSeconds}).");
        }

        if (options.ClockSkewSeconds is < 0 or > 3600)
        {
            failures.Add($"{Section}:ClockSkewSeconds must be between 0 and 3600 (was {options.ClockSkewSeconds}).");
        }

        if (options.KeyRefreshSeconds is < 1 or > 3600)
        {
            failures.Add($"{Section}:KeyRefreshSeconds must be between 1 and 3600 (was {options.KeyRefreshSeconds}).");
        }

        if (!JwtOptions.KeySizes.Contains(options.KeySize))
        {
            failures.Add($"{Section}:KeySize must be one of {string.Join(", ", JwtOptions.KeySizes)} (was {options.KeySize}).");
        }

        if (options.GeneratedEnvironments.Count > 0 && string.IsNullOrWhiteSpace(options.KeyFile))
        {
            failures.Add($"{Section}:KeyFile must be set when {Section}:Environments names environments with generated keys.");
        }

        if (options.Cache.Enabled)
        {
            if (options.Cache.MaxSize is < 1 or > JwtOptions.MaxCacheSize)
            {
                failures.Add($"{Section}:Cache:MaxSize must be between 1 and {JwtOptions.MaxCacheSize} (was {options.Cache.MaxSize}).");
            }

            // spec §10.9: a cached token must still be valid for a good while when it is handed out again.
            if (options.Cache.TtlSeconds < 1 || options.Cache.TtlSeconds >= options.TokenLifetimeSeconds)
            {
                failures.Add(
                    $"{Section}:Cache:TtlSeconds must be at least 1 and below {Section}:TokenLifetimeSeconds ({options.TokenLifetimeSeconds}); was {options.Cache.TtlSeconds}.");
            }
        }

        failures.AddRange(ConfiguredSigningKeys.Problems(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
