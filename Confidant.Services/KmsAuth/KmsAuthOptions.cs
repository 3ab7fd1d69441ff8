using Confidant.Services.Authorization;
using Microsoft.Extensions.Options;

namespace Confidant.Services.KmsAuth;

/// <summary>Service-to-service authentication with kmsauth tokens (spec §2.3, §10.3).</summary>
public sealed class KmsAuthOptions
{
    public const string SectionName = "KmsAuth";

    /// <summary>AUTH_CONTEXT: the <c>to</c> value tokens must be addressed to (Confidant's own IAM role name).</summary>
    public string AuthContext { get; set; } = "confidant";

    /// <summary>AUTH_KEY: the key services encrypt their tokens with (alias, key id or ARN).</summary>
    public string? AuthKey { get; set; } = "alias/confidant-auth";

    /// <summary>USER_AUTH_KEY: the key people encrypt their tokens with; unset refuses user tokens.</summary>
    public string? UserAuthKey { get; set; }

    /// <summary>
    /// SCOPED_AUTH_KEYS: a service token encrypted under one of these keys is scoped to its account, and the accounts
    /// are the ones a service may be scoped to (spec §2.1, §4.5). A list of entries rather than a key → account map:
    /// keys are often KMS ARNs, whose <c>:</c> is the configuration separator.
    /// </summary>
    public List<ScopedAuthKey> ScopedAuthKeys { get; set; } = [];

    /// <summary>AUTH_TOKEN_MAX_LIFETIME in minutes.</summary>
    public int TokenMaxLifetimeMinutes { get; set; } = 60;

    /// <summary>Tolerance for clock differences between token minters and this server, in seconds.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    public int MinimumTokenVersion { get; set; } = 1;

    public int MaximumTokenVersion { get; set; } = 2;

    /// <summary>KMS_AUTH_USER_TYPES: which user types may authenticate with tokens.</summary>
    public List<string> UserTypes { get; set; } = ["service"];

    /// <summary>
    /// The <see cref="ConfidantRoles"/> role of a person who authenticates with a kmsauth user token. <c>admin</c>
    /// keeps the original's behaviour, where any holder of a user token may do everything but certificates.
    /// </summary>
    public string UserRole { get; set; } = ConfidantRoles.Admin;

    /// <summary>KMS_AUTH_MANAGE_GRANTS: create the kmsauth grants of a service's role (spec §8.4).</summary>
    public bool ManageGrants { get; set; } = true;

    /// <summary>KMS_AUTH_TOKEN_CACHE_SIZE: validated tokens kept so that a warm request needs no KMS call.</summary>
    public int TokenCacheSize { get; set; } = 4096;

    /// <summary>The account names of <see cref="ScopedAuthKeys"/>, in order: the valid values of a service's account.</summary>
    public IReadOnlyList<string> Accounts => [.. ScopedAuthKeys.Select(k => k.Account)];

    /// <summary>The account a token under <paramref name="key"/> is scoped to, or null.</summary>
    public string? AccountOf(string key) =>
        ScopedAuthKeys.FirstOrDefault(k => string.Equals(k.Key, key, StringComparison.Ordinal))?.Account;
}

/// <summary>One SCOPED_AUTH_KEYS entry: the key (alias, key id or ARN) and the account its tokens are scoped to.</summary>
public sealed class ScopedAuthKey
{
    public string Key { get; set; } = string.Empty;

    public string Account { get; set; } = string.Empty;
}

internal sealed class KmsAuthOptionsValidator : IValidateOptions<KmsAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, KmsAuthOptions options)
    {
        const string Section = KmsAuthOptions.SectionName;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AuthContext))
        {
            failures.Add($"{Section}:AuthContext is required (the name tokens are addressed to).");
        }

        if (options.MinimumTokenVersion is < 1 or > 2 || options.MaximumTokenVersion is < 1 or > 2
            || options.MinimumTokenVersion > options.MaximumTokenVersion)
        {
            failures.Add($"{Section}:MinimumTokenVersion and {Section}:MaximumTokenVersion must satisfy 1 <= minimum <= maximum <= 2.");
        }

        if (options.TokenMaxLifetimeMinutes is < 1 or > 24 * 60)
        {
            failures.Add($"{Section}:TokenMaxLifetimeMinutes must be between 1 and 1440 (was {options.TokenMaxLifetimeMinutes}).");
        }

        if (options.ClockSkewSeconds is < 0 or > 600)
        {
            failures.Add($"{Section}:ClockSkewSeconds must be between 0 and 600 (was {options.ClockSkewSeconds}).");
        }

        if (options.TokenCacheSize is < 1 or > 1_000_000)
        {
            failures.Add($"{Section}:TokenCacheSize must be between 1 and 1000000 (was {options.TokenCacheSize}).");
        }

        if (options.ScopedAuthKeys.Any(k => string.IsNullOrWhiteSpace(k.Key) || string.IsNullOrWhiteSpace(k.Account)))
        {
            failures.Add($"{Section}:ScopedAuthKeys entries need both Key and Account ({Section}:ScopedAuthKeys:0:Key, {Section}:ScopedAuthKeys:0:Account, ...).");
        }
        else if (options.ScopedAuthKeys.DistinctBy(k => k.Key, StringComparer.Ordinal).Count() != options.ScopedAuthKeys.Count)
        {
            failures.Add($"{Section}:ScopedAuthKeys lists a key twice.");
        }
        else if (options.Accounts.Distinct(StringComparer.Ordinal).Count() != options.ScopedAuthKeys.Count)
        {
            // spec §10.3: the values must be unique.
            failures.Add($"{Section}:ScopedAuthKeys must map each key to a different account.");
        }

        if (!ConfidantRoles.IsKnown(options.UserRole))
        {
            failures.Add($"{Section}:UserRole '{options.UserRole}' is not a role; use reader, editor or admin.");
        }

        if (options.UserTypes.Any(t => t is not ("service" or "user")))
        {
            failures.Add($"{Section}:UserTypes may only contain 'service' and 'user'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
