using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Caching;
using Confidant.Services.Faults;
using Confidant.Services.Kms;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.KmsAuth;

/// <summary>Why a token was refused. Only the reason is logged, never the token.</summary>
public enum TokenRejection
{
    None,
    MalformedUsername,
    UnacceptableVersion,
    UserTypeNotAllowed,
    MalformedToken,
    DecryptionFailed,
    WrongKey,
    MalformedPayload,
    LifetimeTooLong,
    NotYetValid,
    Expired,
    KeyServiceUnavailable,
}

/// <summary>The outcome of a token check: a principal, or why there is none.</summary>
public sealed record TokenValidationResult(ConfidantPrincipal? Principal, TokenRejection Rejection)
{
    public bool Succeeded => Principal is not null;

    public static TokenValidationResult Fail(TokenRejection reason) => new(null, reason);
}

/// <summary>
/// Validates kmsauth tokens (spec §2.3): the token is the KMS ciphertext of <c>{"not_before", "not_after"}</c>
/// under the context <c>{to, from[, user_type]}</c>. Validated tokens are kept in a bounded cache keyed by a hash of
/// the token, so a warm request costs no KMS call; the validity window is re-checked on every use. Tokens refused
/// after a KMS call are remembered for a short time the same way, so replaying a bad token costs no KMS call either.
/// </summary>
public sealed partial class KmsTokenValidator(
    IKeyService keys,
    IOptions<KmsAuthOptions> options,
    TimeProvider time,
    ConfidantMetrics metrics,
    ILogger<KmsTokenValidator> logger)
{
    private const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const int MaxTokenLength = 8 * 1024;

    // Long enough to absorb a replay flood, short enough that a token refused during a misconfiguration (a key
    // not yet granted, say) is tried again soon after it is fixed.
    private static readonly TimeSpan RefusalLifetime = TimeSpan.FromSeconds(60);

    private readonly ValidatedTokenCache _cache = new(options.Value.TokenCacheSize);
    private readonly BoundedLruCache<string, TokenRejection> _refused = new(options.Value.TokenCacheSize, RefusalLifetime, time, comparer: StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _arns = new(StringComparer.Ordinal);

    public async Task<TokenValidationResult> ValidateAsync(string username, string token, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var parsed = KmsAuthUsername.TryParse(username);
        var result = parsed is null ? Reject(TokenRejection.MalformedUsername) : await CheckAsync(parsed, token, settings, cancellationToken);
        metrics.TokenValidated(result.Succeeded ? "valid" : result.Rejection.ToString(), parsed?.Version);
        return result;
    }

    private async Task<TokenValidationResult> CheckAsync(KmsAuthUsername parsed, string token, KmsAuthOptions settings, CancellationToken cancellationToken)
    {
        if (parsed.Version < settings.MinimumTokenVersion || parsed.Version > settings.MaximumTokenVersion)
        {
            return Reject(TokenRejection.UnacceptableVersion);
        }

        if (!settings.UserTypes.Contains(parsed.UserType, StringComparer.Ordinal))
        {
            return Reject(TokenRejection.UserTypeNotAllowed);
        }

        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return Reject(TokenRejection.MalformedToken);
        }

        var cacheKey = CacheKey(token, parsed, settings.AuthContext);
        if (_refused.TryGet(cacheKey, out var refused))
        {
            return Reject(refused);
        }

        var cached = _cache.TryGet(cacheKey, out var validated);
        metrics.TokenCacheLookup(cached);
        if (!cached)
        {
            var (result, rejection) = await DecryptAndCheckAsync(parsed, token, settings, cancellationToken);
            if (result is null)
            {
                if (rejection is not (TokenRejection.KeyServiceUnavailable or TokenRejection.MalformedToken))
                {
                    _refused.Set(cacheKey, rejection);
                }

                return Reject(rejection);
            }

            validated = result;
            _cache.Set(cacheKey, validated);
        }

        var window = CheckWindow(validated, settings);
        return window == TokenRejection.None
            ? new TokenValidationResult(new ConfidantPrincipal(parsed.From, parsed.UserType, null, validated.Account), TokenRejection.None)
            : Reject(window);
    }

    private async Task<(ValidatedToken? Token, TokenRejection Rejection)> DecryptAndCheckAsync(
        KmsAuthUsername username,
        string token,
        KmsAuthOptions settings,
        CancellationToken cancellationToken)
    {
        var ciphertext = new byte[token.Length];
        if (!Convert.TryFromBase64String(token.Trim(), ciphertext, out var length) || length == 0)
        {
            return (null, TokenRejection.MalformedToken);
        }

        KmsDecryptResult decrypted;
        try
        {
            decrypted = await keys.DecryptAsync(ciphertext.AsMemory(0, length), username.EncryptionContext(settings.AuthContext), cancellationToken);
        }
        catch (Exception error) when (FaultClassifier.IsUnavailable(error))
        {
            return (null, TokenRejection.KeyServiceUnavailable);
        }
        catch (KeyServiceException)
        {
            return (null, TokenRejection.DecryptionFailed);
        }

        try
        {
            bool matched;
            string? account;
            try
            {
                (matched, account) = await MatchKeyAsync(username.UserType, decrypted.KeyArn, settings, cancellationToken);
            }
            catch (Exception error) when (FaultClassifier.IsUnavailable(error))
            {
                return (null, TokenRejection.KeyServiceUnavailable);
            }
            catch (KeyServiceException)
            {
                return (null, TokenRejection.WrongKey);
            }

            if (!matched)
            {
                return (null, TokenRejection.WrongKey);
            }

            var payload = ParsePayload(decrypted.Plaintext);
            if (payload is null)
            {
                return (null, TokenRejection.MalformedPayload);
            }

            // The original counted only the seconds-within-a-day part of the lifetime (spec §13.5); this is the whole.
            if (payload.Value.NotAfter - payload.Value.NotBefore > TimeSpan.FromMinutes(settings.TokenMaxLifetimeMinutes))
            {
                return (null, TokenRejection.LifetimeTooLong);
            }

            return (new ValidatedToken(payload.Value.NotBefore, payload.Value.NotAfter, account), TokenRejection.None);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decrypted.Plaintext);
        }
    }

    private async Task<(bool Matched, string? Account)> MatchKeyAsync(
        string userType,
        string keyArn,
        KmsAuthOptions settings,
        CancellationToken cancellationToken)
    {
        if (userType == ConfidantPrincipal.Service)
        {
            if (settings.AuthKey is { Length: > 0 } authKey && await ArnOfAsync(authKey, cancellationToken) == keyArn)
            {
                return (true, settings.AccountOf(authKey));
            }

            foreach (var scoped in settings.ScopedAuthKeys)
            {
                if (await ArnOfAsync(scoped.Key, cancellationToken) == keyArn)
                {
                    return (true, scoped.Account);
                }
            }

            return (false, null);
        }

        return userType == ConfidantPrincipal.User
            && settings.UserAuthKey is { Length: > 0 } userKey
            && await ArnOfAsync(userKey, cancellationToken) == keyArn
            ? (true, null)
            : (false, null);
    }

    /// <summary>Configured keys given as KMS ARNs are used as they are; others are resolved once (spec §2.3 step 5).</summary>
    private async Task<string> ArnOfAsync(string key, CancellationToken cancellationToken)
    {
        if (key.StartsWith("arn:aws:kms:", StringComparison.Ordinal))
        {
            return key;
        }

        if (_arns.TryGetValue(key, out var arn))
        {
            return arn;
        }

        // Concurrent first lookups may both ask KMS; the answer is the same and is kept for the process lifetime.
        arn = (await keys.DescribeKeyAsync(key, cancellationToken)).Arn;
        _arns[key] = arn;
        return arn;
    }

    private static (DateTimeOffset NotBefore, DateTimeOffset NotAfter)? ParsePayload(byte[] plaintext)
    {
        try
        {
            using var document = JsonDocument.Parse(plaintext);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("not_before", out var before) && before.ValueKind == JsonValueKind.String
                && root.TryGetProperty("not_after", out var after) && after.ValueKind == JsonValueKind.String
                && TryParseTimestamp(before.GetString()!, out var notBefore)
                && TryParseTimestamp(after.GetString()!, out var notAfter)
                && notAfter >= notBefore)
            {
                return (notBefore, notAfter);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static bool TryParseTimestamp(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private TokenRejection CheckWindow(ValidatedToken token, KmsAuthOptions settings)
    {
        // The skew moves "now", never the token's bounds: a bound at year 1 or 9999 would leave the date range.
        var now = time.GetUtcNow();
        var skew = TimeSpan.FromSeconds(settings.ClockSkewSeconds);
        if (now + skew < token.NotBefore)
        {
            return TokenRejection.NotYetValid;
        }

        return now - skew > token.NotAfter ? TokenRejection.Expired : TokenRejection.None;
    }

    private static string CacheKey(string token, KmsAuthUsername username, string to)
    {
        var tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var key = $"{Convert.ToHexStringLower(tokenHash)}\n{username.From}\n{to}\n{username.UserType}\n{username.Version}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private TokenValidationResult Reject(TokenRejection reason)
    {
        // An unavailable key service is reported, rate-limited, by the fault log; one line per request would flood.
        if (reason != TokenRejection.KeyServiceUnavailable)
        {
            LogRejected(logger, reason);
        }

        return TokenValidationResult.Fail(reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "kmsauth token refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, TokenRejection reason);
}

/// <summary>What is remembered of a validated token: its window and account, never the token.</summary>
internal sealed record ValidatedToken(DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? Account);
