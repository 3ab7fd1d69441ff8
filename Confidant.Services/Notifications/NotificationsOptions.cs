using Confidant.Services.Notifications.Email;

namespace Confidant.Services.Notifications;

/// <summary>
/// Configuration section <c>Notifications</c>: the SMTP relay, who is told about unusual access, the group names
/// owners may be given as, the owners' message, and how long the delivery log is kept.
/// </summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Notifications";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>E-mail addresses told about unusual access (<c>unusual_access</c>).</summary>
    public string[] SecurityContacts { get; set; } = [];

    /// <summary>
    /// Group names an owner may be given as (<c>Notifications:Groups:&lt;name&gt;:&lt;n&gt;</c>), each with its
    /// addresses. Names match without regard to case.
    /// </summary>
    public Dictionary<string, string[]> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public OwnerMessageOptions OwnerMessage { get; set; } = new();

    public UnusualAccessOptions UnusualAccess { get; set; } = new();

    public DeliveryLogOptions DeliveryLog { get; set; } = new();
}

/// <summary>
/// The default message to the owners of an incident, which the admin edits before sending. <c>{incident}</c>,
/// <c>{reason}</c> and <c>{resources}</c> (one line per resource: what, which keys, which services) are filled in.
/// </summary>
public sealed class OwnerMessageOptions
{
    public string Subject { get; set; } = "Rotate exposed secrets (incident {incident})";

    public string Body { get; set; } = """
        Hello,

        Secrets that you own in Confidant were exposed (incident {incident}).

        Why: {reason}

        Please give each of these keys a new value now, then check the services that use them:

        {resources}

        The incident shows them as rotated once every listed key has a new value.

        Confidant
        """;
}

/// <summary>How unusual-access flags are passed on without flooding anyone.</summary>
public sealed class UnusualAccessOptions
{
    /// <summary>Flagged deliveries to one principal sent one by one within a window; the rest make one summary.</summary>
    public int MessagesPerWindow { get; set; } = 3;

    /// <summary>The window, from the first flagged delivery to a principal; its summary goes out when it ends.</summary>
    public int WindowSeconds { get; set; } = 300;
}

public sealed class DeliveryLogOptions
{
    /// <summary>Attempts older than this are deleted (hourly).</summary>
    public int RetentionDays { get; set; } = 30;
}
