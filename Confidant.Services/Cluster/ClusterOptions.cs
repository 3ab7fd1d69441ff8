using Microsoft.Extensions.Options;

namespace Confidant.Services.Cluster;

/// <summary>Configuration section <c>Cluster</c>: how several processes on one store keep their caches in step.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// How often each server reads the change beacon, and so how long a change made through one server may take to
    /// reach the caches of every other server on the same store (plus one store round trip). Each read is one small
    /// consistent read of the store.
    /// </summary>
    public int CoherenceMilliseconds { get; set; } = 1000;

    public TimeSpan Coherence => TimeSpan.FromMilliseconds(CoherenceMilliseconds);
}

internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options) =>
        options.CoherenceMilliseconds is < 50 or > 60_000
            ? ValidateOptionsResult.Fail($"Cluster:CoherenceMilliseconds must be between 50 and 60000 (was {options.CoherenceMilliseconds}).")
            : ValidateOptionsResult.Success;
}
