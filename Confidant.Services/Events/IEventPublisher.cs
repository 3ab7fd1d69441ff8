namespace Confidant.Services.Events;

/// <summary>Where the domain services tell what happened; delivery is someone else's work, off the request path.</summary>
public interface IEventPublisher
{
    /// <summary>Whether any endpoint takes events of this type, so that nothing is looked up for nobody.</summary>
    bool Wants(string eventType);

    /// <summary>Queues the event for every endpoint that takes it. Never waits, never throws for a delivery.</summary>
    void Publish(ConfidantEvent change);
}
