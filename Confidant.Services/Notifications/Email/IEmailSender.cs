using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Services.Notifications.Email;

/// <summary>The e-mail channel: messages go out in the background, with retries, every attempt in the delivery log.</summary>
public interface IEmailSender
{
    /// <summary>Whether an SMTP relay is configured; messages given while it is not are not sent.</summary>
    bool Enabled { get; }

    /// <summary>Queues <paramref name="message"/>. Never waits, never throws for a delivery.</summary>
    void Send(EmailMessage message);
}

/// <summary>One plain-text message to its recipients; <see cref="Id"/> is its event's id, the same in every attempt.</summary>
public sealed record EmailMessage(string Id, string Type, IReadOnlyList<string> To, string Subject, string Body) : IDeliverable;
