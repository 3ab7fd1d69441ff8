namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// How one attempt ended, as the channel saw it: delivered, failed (worth retrying) or refused (final), with the
/// receiver's answer (<see cref="Status"/>) or the class of error when none came.
/// </summary>
public sealed record AttemptResult(AttemptOutcome Outcome, string? Status, string? Error)
{
    public static AttemptResult Delivered(string status) => new(AttemptOutcome.Delivered, status, null);

    public static AttemptResult Failed(string? status, string? error = null) => new(AttemptOutcome.Failed, status, error);

    public static AttemptResult Refused(string? status, string? error = null) => new(AttemptOutcome.Refused, status, error);
}

public enum AttemptOutcome
{
    Delivered,
    Failed,
    Refused,
}

/// <summary>What a channel delivers: an event or a message with an id that stays the same across attempts.</summary>
public interface IDeliverable
{
    string Id { get; }

    string Type { get; }
}
