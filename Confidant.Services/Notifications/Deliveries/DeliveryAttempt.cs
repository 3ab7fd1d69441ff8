namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// One attempt to hand one notification to one channel endpoint, as the delivery log keeps it: which event, where,
/// which attempt, when, how it ended (<see cref="DeliveryOutcomes"/>), the receiver's answer and when the next attempt
/// is due. It names the event and the endpoint, never a secret: no URL, no address list, no payload, no credential.
/// </summary>
/// <param name="Id">Random; orders attempts made at the same instant and keys the stored item.</param>
/// <param name="EventId">The id of the event or message, the same in every attempt and in the payload.</param>
/// <param name="EventType">The event type (<see cref="Events.EventTypes"/>).</param>
/// <param name="Channel">One of <see cref="DeliveryChannels"/>.</param>
/// <param name="Endpoint">The webhook endpoint's configured name, or <see cref="DeliveryChannels.SmtpEndpoint"/>.</param>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="Time">When the attempt started.</param>
/// <param name="Outcome">One of <see cref="DeliveryOutcomes"/>.</param>
/// <param name="Status">The receiver's answer: an HTTP status or an SMTP reply code; null when none came.</param>
/// <param name="Error">Why no answer came, as a class (<c>timeout</c>, <c>unreachable</c>, <c>tls</c>, …); null otherwise.</param>
/// <param name="NextRetry">When the next attempt is due; null when this one was the last.</param>
public sealed record DeliveryAttempt(
    string Id,
    string EventId,
    string EventType,
    string Channel,
    string Endpoint,
    int Attempt,
    DateTimeOffset Time,
    string Outcome,
    string? Status,
    string? Error,
    DateTimeOffset? NextRetry);

/// <summary>The notification channels.</summary>
public static class DeliveryChannels
{
    public const string Webhook = "webhook";
    public const string Email = "email";

    /// <summary>The endpoint name of the e-mail channel (there is one SMTP relay).</summary>
    public const string SmtpEndpoint = "smtp";

    public static IReadOnlyList<string> All { get; } = [Webhook, Email];
}

/// <summary>How an attempt ended.</summary>
public static class DeliveryOutcomes
{
    /// <summary>The receiver took it.</summary>
    public const string Delivered = "delivered";

    /// <summary>It failed in a way worth retrying (no answer, 408, 429, 5xx, SMTP 4xx); the next attempt is due at NextRetry.</summary>
    public const string Retrying = "retrying";

    /// <summary>It failed in a way worth retrying, but it was the last attempt: the notification is lost.</summary>
    public const string Failed = "failed";

    /// <summary>The receiver refused it for good (another HTTP 4xx, SMTP 5xx, TLS or authentication refused): no retry.</summary>
    public const string Refused = "refused";

    public static IReadOnlyList<string> All { get; } = [Delivered, Retrying, Failed, Refused];
}
