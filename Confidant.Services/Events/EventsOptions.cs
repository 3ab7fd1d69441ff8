using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Services.Events;

/// <summary>Where events go: webhook endpoints by name (<c>Events:Webhooks:&lt;name&gt;:Url</c>, …).</summary>
public sealed class EventsOptions
{
    public const string SectionName = "Events";

    /// <summary>The name of the endpoint the original's <c>WEBHOOK_URL</c> becomes (spec §9.8, §10.5).</summary>
    public const string OriginalWebhookName = "original";

    public Dictionary<string, WebhookEndpointOptions> Webhooks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long one server's claim on the stored webhook retries lasts: a server that dies holding it delays the
    /// retries that long at most before another takes them over.
    /// </summary>
    public int RetryLeaseSeconds { get; set; } = 30;

    /// <summary>How often each server looks for due retries (and the holder renews its claim): at most a third of the lease.</summary>
    public int RetryPollSeconds { get; set; } = 5;

    public TimeSpan RetryLease => TimeSpan.FromSeconds(RetryLeaseSeconds);

    public TimeSpan RetryPoll => TimeSpan.FromSeconds(RetryPollSeconds);
}

/// <summary>One webhook endpoint. Each has its own queue and sender, so a slow or dead one holds up only itself.</summary>
public sealed class WebhookEndpointOptions : ChannelDeliveryOptions
{
    /// <summary>http or https URL the events are POSTed to.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// <c>Confidant</c> (the default): Confidant's payload, signed with an HMAC-SHA256 signature header. <c>Original</c>: the
    /// original's payload and headers, unsigned (spec §9.8), for receivers written for it.
    /// </summary>
    public WebhookFormat Format { get; set; } = WebhookFormat.Confidant;

    /// <summary>The HMAC key of a signed endpoint (at least 32 characters), shared with the receiver.</summary>
    public string? Secret { get; set; }

    /// <summary>Event types sent to this endpoint; empty sends all (all of the original's, to an <c>Original</c> endpoint).</summary>
    public string[] Events { get; set; } = [];

    /// <summary>HTTP Basic user of an <c>Original</c> endpoint (WEBHOOK_USERNAME).</summary>
    public string? Username { get; set; }

    /// <summary>HTTP Basic password of an <c>Original</c> endpoint (WEBHOOK_PASSWORD).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Whether this endpoint takes events of <paramref name="eventType"/>. A receiver written for the original knows only
    /// its three occasions and its payload cannot carry the others' fields, so it is sent no other.
    /// </summary>
    public bool Accepts(string eventType) =>
        (Format != WebhookFormat.Original || EventTypes.Original.Contains(eventType, StringComparer.Ordinal))
        && (Events.Length == 0 || Events.Contains(eventType, StringComparer.Ordinal));
}

public enum WebhookFormat
{
    /// <summary>Confidant's payload, signed.</summary>
    Confidant,

    /// <summary>The original's payload and headers, unsigned (spec §9.8).</summary>
    Original,
}
