using Microsoft.Extensions.Options;

namespace Confidant.Services.Audit;

/// <summary>Configuration section <c>Audit</c>: the ledger's timing, checkpoints and unusual-access thresholds.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>How long a delivery waits for its record to be stored before it is refused (503).</summary>
    public int AppendTimeoutSeconds { get; set; } = 5;

    /// <summary>A checkpoint after at most this many records...</summary>
    public int CheckpointRecords { get; set; } = 1000;

    /// <summary>...or this many seconds after the first record it does not cover yet.</summary>
    public int CheckpointSeconds { get; set; } = 60;

    /// <summary>The HMAC key checkpoints are MACed with; on the local key ring an <c>alias/...</c> is created on first use.</summary>
    public string MacKeyId { get; set; } = "alias/confidant-audit";

    /// <summary>Deliveries to one principal in one minute above which a record is flagged <c>rate</c>; 0 turns the flag off.</summary>
    public int RateThreshold { get; set; } = 600;

    /// <summary>An open chain of another process with no record for this long is sealed (its process is gone).</summary>
    public int SealAfterSeconds { get; set; } = 900;

    /// <summary>DynamoDB: how often the access summary's counters are written (new principals are written at once).</summary>
    public int AccessFlushSeconds { get; set; } = 900;

    /// <summary>Most records one append (group commit) carries.</summary>
    public int MaxBatchRecords { get; set; } = 256;

    public TimeSpan AppendTimeout => TimeSpan.FromSeconds(AppendTimeoutSeconds);
}

internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var failures = new List<string>();
        Range(failures, "AppendTimeoutSeconds", options.AppendTimeoutSeconds, 1, 300);
        Range(failures, "CheckpointRecords", options.CheckpointRecords, 1, 1_000_000);
        Range(failures, "CheckpointSeconds", options.CheckpointSeconds, 1, 86_400);
        Range(failures, "RateThreshold", options.RateThreshold, 0, 10_000_000);
        Range(failures, "AccessFlushSeconds", options.AccessFlushSeconds, 1, 86_400);
        Range(failures, "MaxBatchRecords", options.MaxBatchRecords, 1, 1000);
        if (options.SealAfterSeconds < 2 * options.CheckpointSeconds || options.SealAfterSeconds > 30 * 86_400)
        {
            // A live process checkpoints its head within CheckpointSeconds; only a chain quiet for longer is abandoned.
            failures.Add($"Audit:SealAfterSeconds must be at least twice Audit:CheckpointSeconds and at most 30 days (was {options.SealAfterSeconds}).");
        }

        if (string.IsNullOrWhiteSpace(options.MacKeyId))
        {
            failures.Add("Audit:MacKeyId must name the HMAC key checkpoints are MACed with (alias/..., key id or ARN).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Audit:{key} must be between {min} and {max} (was {value}).");
        }
    }
}
