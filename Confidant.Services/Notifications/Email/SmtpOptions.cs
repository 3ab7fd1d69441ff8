using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Services.Notifications.Email;

/// <summary>
/// The SMTP relay e-mail goes through (<c>Notifications:Smtp</c>); e-mail is off while <see cref="Host"/> is unset.
/// The password comes from the environment (<c>Notifications__Smtp__Password</c>), never from a file in the repository.
/// </summary>
public sealed class SmtpOptions : ChannelDeliveryOptions
{
    public SmtpOptions()
    {
        // A relay takes longer than a webhook to answer, and a mail that waits a few minutes loses nothing.
        TimeoutSeconds = 30;
        RetryDelaySeconds = 30;
        MaxRetryDelaySeconds = 1800;
    }

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpTls Tls { get; set; } = SmtpTls.StartTls;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string? From { get; set; }

    /// <summary>The sender's display name.</summary>
    public string FromName { get; set; } = "Confidant";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

public enum SmtpTls
{
    /// <summary>Plain SMTP; credentials only to a relay on this machine.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the relay must offer (no fallback to plain).</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Implicit,
}
