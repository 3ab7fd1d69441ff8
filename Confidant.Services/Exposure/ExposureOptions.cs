using Confidant.Services.Authorization;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

/// <summary>Configuration section <c>Exposure</c>: who marks secrets exposed, the fingerprint key, where owners are named.</summary>
public sealed class ExposureOptions
{
    public const string SectionName = "Exposure";

    /// <summary>The least role that may mark a resource exposed: <c>admin</c> (default) or <c>editor</c>.</summary>
    public string MarkRole { get; set; } = ConfidantRoles.Admin;

    /// <summary>The HMAC key values are fingerprinted with; on the local key ring an <c>alias/...</c> is created on first use.</summary>
    public string FingerprintKeyId { get; set; } = "alias/confidant-fingerprint";

    /// <summary>The metadata key whose value names a resource's owners (e-mail addresses or group names).</summary>
    public string OwnerMetadataKey { get; set; } = "owner";

    /// <summary>The pace of <c>fingerprints backfill</c>: revisions fingerprinted per second (each one decrypt and a MAC per value).</summary>
    public int BackfillItemsPerSecond { get; set; } = 20;
}

internal sealed class ExposureOptionsValidator : IValidateOptions<ExposureOptions>
{
    public ValidateOptionsResult Validate(string? name, ExposureOptions options)
    {
        var failures = new List<string>();
        if (options.MarkRole is not (ConfidantRoles.Admin or ConfidantRoles.Editor))
        {
            failures.Add($"Exposure:MarkRole must be admin or editor (was '{options.MarkRole}').");
        }

        if (string.IsNullOrWhiteSpace(options.FingerprintKeyId))
        {
            failures.Add("Exposure:FingerprintKeyId must name the HMAC key values are fingerprinted with (alias/..., key id or ARN).");
        }

        if (string.IsNullOrWhiteSpace(options.OwnerMetadataKey))
        {
            failures.Add("Exposure:OwnerMetadataKey must name the metadata key that holds owners.");
        }

        if (options.BackfillItemsPerSecond is < 1 or > 1000)
        {
            failures.Add($"Exposure:BackfillItemsPerSecond must be between 1 and 1000 (was {options.BackfillItemsPerSecond}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
