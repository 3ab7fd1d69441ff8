namespace Confidant.Tests.Support.Notifications;

/// <summary>A domain host with a real SMTP server and a real webhook receiver on loopback, started and stopped together.</summary>
public sealed class NotificationHost : IAsyncDisposable
{
    private NotificationHost(SmtpReceiver smtp, WebhookReceiver hooks, DomainHost host)
    {
        Smtp = smtp;
        Hooks = hooks;
        Host = host;
    }

    public SmtpReceiver Smtp { get; }

    public WebhookReceiver Hooks { get; }

    public DomainHost Host { get; }

    /// <summary>Starts both receivers, then the host with the settings <paramref name="settings"/> makes for them.</summary>
    public static async Task<NotificationHost> StartAsync(Func<SmtpReceiver, WebhookReceiver, Dictionary<string, string?>> settings)
    {
        var smtp = await SmtpReceiver.StartAsync();
        var hooks = await WebhookReceiver.StartAsync();
        return new NotificationHost(smtp, hooks, await DomainHost.StartAsync(settings(smtp, hooks)));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Hooks.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
