using Microsoft.Extensions.Options;

namespace Confidant.Services.Rekey;

/// <summary>Configuration section <c>Rekey</c>: how the re-encryption job paces and reports itself (docs/decisions/0016-rekey-job.md).</summary>
public sealed class RekeyOptions
{
    public const string SectionName = "Rekey";

    /// <summary>
    /// Key-service calls per second the job may make (every call: ReEncrypt, Decrypt, Encrypt, GenerateRandom). AWS KMS
    /// shares one request quota for cryptographic operations among every caller of an account and region (5,500 per
    /// second in the smallest regions); 100 is under 2 % of it, so the servers' own Decrypt calls and kmsauth token
    /// checks keep their room while a job runs. At two calls per re-wrapped item that is about 50 items a second.
    /// </summary>
    public double KmsCallsPerSecond { get; set; } = 100;

    /// <summary>Items read and worked per batch; the job's state is saved after every batch.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a worker's claim on the job lasts without being renewed (it is renewed after every batch). Another
    /// process takes the job over only after a claim has run out, so a killed worker holds the job this long.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How often the server's worker looks for a queued job (a job started on the same server starts at once).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>A progress record goes to the audit trail after this many items ...</summary>
    public int ProgressEveryItems { get; set; } = 1000;

    /// <summary>... or after this many seconds, whichever comes first.</summary>
    public int ProgressEverySeconds { get; set; } = 60;

    /// <summary>The metadata key that names a blind credential's owners (e-mail addresses or group names).</summary>
    public string OwnerMetadataKey { get; set; } = "owner";

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan Poll => TimeSpan.FromSeconds(PollSeconds);
}

internal sealed class RekeyOptionsValidator : IValidateOptions<RekeyOptions>
{
    public ValidateOptionsResult Validate(string? name, RekeyOptions options)
    {
        var failures = new List<string>();
        if (!double.IsFinite(options.KmsCallsPerSecond) || options.KmsCallsPerSecond is < 0.1 or > 10_000)
        {
            failures.Add($"Rekey:KmsCallsPerSecond must be between 0.1 and 10000 (was {options.KmsCallsPerSecond}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"Rekey:BatchSize must be between 1 and 1000 (was {options.BatchSize}).");
        }

        if (options.LeaseSeconds is < 1 or > 3600)
        {
            failures.Add($"Rekey:LeaseSeconds must be between 1 and 3600 (was {options.LeaseSeconds}).");
        }

        if (options.PollSeconds is < 1 or > 3600)
        {
            failures.Add($"Rekey:PollSeconds must be between 1 and 3600 (was {options.PollSeconds}).");
        }

        if (options.ProgressEveryItems < 1)
        {
            failures.Add($"Rekey:ProgressEveryItems must be at least 1 (was {options.ProgressEveryItems}).");
        }

        if (options.ProgressEverySeconds < 1)
        {
            failures.Add($"Rekey:ProgressEverySeconds must be at least 1 (was {options.ProgressEverySeconds}).");
        }

        if (string.IsNullOrWhiteSpace(options.OwnerMetadataKey))
        {
            failures.Add("Rekey:OwnerMetadataKey must name a metadata key.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
