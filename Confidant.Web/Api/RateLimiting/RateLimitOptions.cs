using Microsoft.Extensions.Options;

namespace Confidant.Web.Api.RateLimiting;

/// <summary>
/// Per-address budgets for the requests that cost Confidant something without proving who sent them. Authenticated
/// requests that succeed never spend from either budget, however often a fleet polls.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Requests per minute and client address to the routes that need no authentication (/v1/value_generator).</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 120;

    /// <summary>
    /// Refused /v1 authentications (bad or expired kmsauth tokens, no session) per minute and client address. Past it,
    /// the address gets 429 for kmsauth requests until the minute is over, so a flood of forged tokens cannot spend the
    /// key-service quota every workload shares.
    /// </summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 120;
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    private const int Max = 1_000_000;

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        if (options.AnonymousRequestsPerMinute is < 1 or > Max)
        {
            failures.Add($"{RateLimitOptions.SectionName}:AnonymousRequestsPerMinute must be between 1 and {Max} (was {options.AnonymousRequestsPerMinute}).");
        }

        if (options.FailedAuthenticationsPerMinute is < 1 or > Max)
        {
            failures.Add($"{RateLimitOptions.SectionName}:FailedAuthenticationsPerMinute must be between 1 and {Max} (was {options.FailedAuthenticationsPerMinute}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
