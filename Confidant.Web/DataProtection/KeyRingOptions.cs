using Microsoft.Extensions.Options;

namespace Confidant.Web.DataProtection;

/// <summary>
/// The <c>DataProtection</c> section: how the ring of ASP.NET Core Data Protection keys (which protect sign-in cookies
/// and antiforgery tokens) is shared by every instance (docs/decisions/0018-data-protection-keys.md).
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>How often an instance reads the ring again, so that a key another instance created is known here.</summary>
    public int KeyRingRefreshSeconds { get; set; } = 60;

    public TimeSpan KeyRingRefresh => TimeSpan.FromSeconds(KeyRingRefreshSeconds);
}

internal sealed class KeyRingOptionsValidator : IValidateOptions<KeyRingOptions>
{
    // Data Protection itself re-reads its ring once a day; a longer interval would add nothing.
    internal const int MaxRefreshSeconds = 86_400;

    public ValidateOptionsResult Validate(string? name, KeyRingOptions options) =>
        options.KeyRingRefreshSeconds is < 1 or > MaxRefreshSeconds
            ? ValidateOptionsResult.Fail(
                $"DataProtection:KeyRingRefreshSeconds must be between 1 and {MaxRefreshSeconds} (was {options.KeyRingRefreshSeconds}).")
            : ValidateOptionsResult.Success;
}
