using System.Text.Json.Serialization;
using Confidant.Services.Storage;

namespace Confidant.Services.Rekey;

/// <summary>
/// The re-encryption job: what it does (<see cref="Mode"/>, <see cref="TargetKeyArn"/>, <see cref="Selection"/>), where
/// it is (<see cref="Cursor"/>, the counts) and who works it (<see cref="Worker"/> until <see cref="LeaseUntil"/>). One
/// item in the store, saved after every batch, so a stopped or killed worker's successor resumes from the cursor.
/// </summary>
public sealed record RekeyJob
{
    /// <summary>How many failures (and blind credentials) the job keeps by name; all are counted.</summary>
    public const int ListedLimit = 200;

    public required string Id { get; init; }

    public required RekeyMode Mode { get; init; }

    public required RekeyStatus Status { get; init; }

    /// <summary>The key as it was named when the job was queued (alias, key id or ARN).</summary>
    public required string TargetKey { get; init; }

    /// <summary>The key <see cref="TargetKey"/> named then: every item ends under this key, even if an alias moves.</summary>
    public required string TargetKeyArn { get; init; }

    /// <summary>Re-key mode: the credentials whose current revision gets a fresh data key; empty means every credential.</summary>
    public IReadOnlyList<string> Selection { get; init; } = [];

    public required string QueuedBy { get; init; }

    public required DateTimeOffset QueuedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public RekeyCursor Cursor { get; init; } = RekeyCursor.Start;

    /// <summary>Items with a data key, counted when the job first started (and raised as the walk finds more).</summary>
    public long Total { get; init; }

    /// <summary>Items whose data key was replaced and checked under the target key.</summary>
    public long Rewritten { get; init; }

    /// <summary>Items already under the target key (or gone from where they were read).</summary>
    public long Skipped { get; init; }

    public long Failed { get; init; }

    public long KmsCalls { get; init; }

    /// <summary>Seconds spent working, over every run of the job: the basis of <see cref="Rate"/>.</summary>
    public double ActiveSeconds { get; init; }

    /// <summary>The first <see cref="ListedLimit"/> failures.</summary>
    public IReadOnlyList<RekeyFailure> Failures { get; init; } = [];

    /// <summary>Blind credentials, whose keys are their clients' and cannot be re-wrapped here, with their owners.</summary>
    public IReadOnlyList<BlindCredentialOwners> BlindCredentials { get; init; } = [];

    public int BlindCredentialCount { get; init; }

    /// <summary>Why a failed job stopped.</summary>
    public string? Error { get; init; }

    /// <summary>The process working the job, or null when none holds it.</summary>
    public string? Worker { get; init; }

    /// <summary>Until when <see cref="Worker"/>'s claim holds (on the <see cref="RekeyClock"/>).</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>The store revision this state was read at or written as.</summary>
    [JsonIgnore]
    public int Revision { get; init; }

    [JsonIgnore]
    public long Processed => Rewritten + Skipped + Failed;

    /// <summary>From 0 to 1; 1 once completed.</summary>
    [JsonIgnore]
    public double Progress => Status == RekeyStatus.Completed ? 1 : Total == 0 ? 0 : Math.Min(1, Processed / (double)Total);

    /// <summary>Items per second of working time, or null before any.</summary>
    [JsonIgnore]
    public double? Rate => ActiveSeconds > 0 && Processed > 0 ? Processed / ActiveSeconds : null;

    /// <summary>The time left at <see cref="Rate"/>, while the job is queued or running.</summary>
    [JsonIgnore]
    public TimeSpan? Eta => IsActive && Rate is { } rate ? TimeSpan.FromSeconds(Math.Max(0, Total - Processed) / rate) : null;

    /// <summary>Queued or running: a worker will work it.</summary>
    [JsonIgnore]
    public bool IsActive => Status is RekeyStatus.Queued or RekeyStatus.Running;

    /// <summary>Completed with every item done.</summary>
    [JsonIgnore]
    public bool Succeeded => Status == RekeyStatus.Completed && Failed == 0;
}

public enum RekeyMode
{
    /// <summary>Every stored data key re-wrapped under the target key (KMS ReEncrypt); the data keys themselves stay.</summary>
    Rewrap,

    /// <summary>
    /// For a suspected data-key leak: the current revision of each selected credential gets a fresh data key and fresh
    /// ciphertext; every other item is re-wrapped.
    /// </summary>
    Rekey,
}

public enum RekeyStatus
{
    Queued,
    Running,
    Paused,
    Completed,
    Failed,
}

/// <summary>Where the walk is: a phase, the page token within it, and for the catch-up passes their window.</summary>
public sealed record RekeyCursor(RekeyPhase Phase, string? Page = null, DateTimeOffset? ArchivedSince = null, DateTimeOffset? PassStartedAt = null, long PassRewrites = 0)
{
    public static RekeyCursor Start { get; } = new(RekeyPhase.ArchiveCurrent);
}

/// <summary>
/// The walk's phases, in order: the archive table first (so that a restore during the job moves items the walk has
/// done or has yet to reach), then the primary table, then passes over the archive again for items archived while the
/// job ran (an archive copies an item as it is, possibly before the walk re-wrapped it), then the blind credentials.
/// </summary>
public enum RekeyPhase
{
    ArchiveCurrent,
    ArchiveRevisions,
    PrimaryCurrent,
    PrimaryRevisions,
    CatchUpCurrent,
    CatchUpRevisions,
    CatchUpEnd,
    BlindCredentials,
    Done,
}

/// <summary>An item the job could not re-encrypt: which, where, and the class of error (never a value).</summary>
public sealed record RekeyFailure(string Id, int Revision, StoreTable Table, string Error, DateTimeOffset At);

/// <summary>A blind credential and the owners its metadata names.</summary>
public sealed record BlindCredentialOwners(string Id, string Name, IReadOnlyList<string> Owners, bool Archived);

/// <summary>The names of the modes on the wire, on the command line and in the audit trail.</summary>
public static class RekeyModes
{
    public const string Rewrap = "rewrap";
    public const string Rekey = "rekey";

    public static string ToWire(RekeyMode mode) => mode == RekeyMode.Rekey ? Rekey : Rewrap;

    public static bool TryParse(string? text, out RekeyMode mode)
    {
        (var known, mode) = text switch
        {
            Rewrap => (true, RekeyMode.Rewrap),
            Rekey => (true, RekeyMode.Rekey),
            _ => (false, RekeyMode.Rewrap),
        };
        return known;
    }
}

/// <summary>The names of the statuses on the wire, on the command line and in messages.</summary>
public static class RekeyStatuses
{
    public static string ToWire(RekeyStatus status) => status switch
    {
        RekeyStatus.Queued => "queued",
        RekeyStatus.Running => "running",
        RekeyStatus.Paused => "paused",
        RekeyStatus.Completed => "completed",
        _ => "failed",
    };
}
