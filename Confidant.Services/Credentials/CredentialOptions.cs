using Microsoft.Extensions.Options;

namespace Confidant.Services.Credentials;

/// <summary>Business-rule settings for credentials (spec §9.5, §9.6, §8.2).</summary>
public sealed class CredentialOptions
{
    public const string SectionName = "Credentials";

    /// <summary>ENFORCE_DOCUMENTATION: documentation is required on create and update.</summary>
    public bool EnforceDocumentation { get; set; }

    /// <summary>IGNORE_CONFLICTS: skip key-conflict detection between credentials mapped to one service.</summary>
    public bool IgnoreConflicts { get; set; }

    /// <summary>MAXIMUM_ROTATION_DAYS.</summary>
    public int MaximumRotationDays { get; set; }

    /// <summary>TAGS_EXCLUDING_ROTATION.</summary>
    public List<string> TagsExcludingRotation { get; set; } = [];

    /// <summary>ROTATION_DAYS_CONFIG: tag → days.</summary>
    public Dictionary<string, int> RotationDaysConfig { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class CredentialOptionsValidator : IValidateOptions<CredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialOptions options)
    {
        var failures = new List<string>();
        if (options.MaximumRotationDays < 0)
        {
            failures.Add($"{CredentialOptions.SectionName}:MaximumRotationDays must be zero or more (was {options.MaximumRotationDays}).");
        }

        foreach (var (tag, days) in options.RotationDaysConfig)
        {
            if (days < 0)
            {
                failures.Add($"{CredentialOptions.SectionName}:RotationDaysConfig:{tag} must be zero or more (was {days}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
