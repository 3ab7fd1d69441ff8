using System.Globalization;

namespace Confidant.Tests.Support.Notifications;

/// <summary>Settings of a host that mails through a test SMTP server and posts to a test webhook receiver.</summary>
public static class NotificationSettings
{
    /// <summary>Plain SMTP to <paramref name="smtp"/> on loopback, from confidant@example.com, with <paramref name="more"/> added.</summary>
    public static Dictionary<string, string?> Smtp(SmtpReceiver smtp, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Tls"] = "None",
            ["Notifications:Smtp:From"] = "confidant@example.com",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A signed endpoint <paramref name="name"/> of <paramref name="receiver"/> taking <paramref name="events"/> (all when none).</summary>
    public static (string Key, string? Value)[] Webhook(WebhookReceiver receiver, string name, params string[] events) =>
    [
        ($"Events:Webhooks:{name}:Url", receiver.Url(name)),
        ($"Events:Webhooks:{name}:Secret", WebhookReceiver.Secret),
        .. events.Select((type, i) => ($"Events:Webhooks:{name}:Events:{i.ToString(CultureInfo.InvariantCulture)}", (string?)type)),
    ];
}
