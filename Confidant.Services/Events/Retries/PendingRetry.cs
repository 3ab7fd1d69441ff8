namespace Confidant.Services.Events.Retries;

/// <summary>
/// A webhook delivery waiting in the store for its next attempt: the event (ids, types, the actor; never a value),
/// the endpoint's name, the number of the next attempt and when it is due, and the revision of its job item, on which
/// every change to it is conditional.
/// </summary>
public sealed record PendingRetry(string Id, int Revision, string Endpoint, ConfidantEvent Event, int Attempt, DateTimeOffset Due);
