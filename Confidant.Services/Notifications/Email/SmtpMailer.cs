using System.Globalization;
using System.Net.Sockets;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Telemetry;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;

namespace Confidant.Services.Notifications.Email;

/// <summary>
/// E-mail over SMTP with MailKit: one connection per attempt (a relay closes idle sessions, and messages are few),
/// TLS as configured with no fallback to plain text, authentication when a user is set. A 4xx reply, no answer in time
/// or a broken connection is retried with backoff; a 5xx reply, a failed TLS handshake or refused credentials is final.
/// </summary>
internal sealed class SmtpMailer : IEmailSender, IHostedService, IDisposable
{
    private const string SuccessReply = "250";

    private readonly SmtpOptions _options;
    private readonly string _host = "";
    private readonly string _from = "";
    private readonly TimeProvider _time;
    private readonly DeliveryQueue<EmailMessage>? _queue;
    private readonly CancellationTokenSource _stopping = new();
    private Task _sender = Task.CompletedTask;

    public SmtpMailer(IOptions<NotificationsOptions> options, DeliveryLog log, TimeProvider time, ConfidantMetrics metrics, ILogger<SmtpMailer> logger)
    {
        _options = options.Value.Smtp;
        _time = time;
        if (_options.Enabled)
        {
            // Both are checked at start-up when e-mail is on.
            _host = _options.Host!;
            _from = _options.From!;
            _queue = new DeliveryQueue<EmailMessage>(
                DeliveryChannels.Email, DeliveryChannels.SmtpEndpoint, _options, AttemptAsync, log, time, metrics.EmailAttempt, logger);
        }
    }

    public bool Enabled => _queue is not null;

    public void Send(EmailMessage message) => _queue?.Enqueue(message);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null)
        {
            _sender = Task.Run(() => SendUntilStoppedAsync(_queue), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Messages still queued at stop are not sent: stopping must not wait on a dead relay.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _sender.WaitAsync(cancellationToken);
    }

    // Cancelled, never disposed: a stop may come after Dispose (see WebhookDispatcher).
    public void Dispose() => _stopping.Cancel();

    private async Task SendUntilStoppedAsync(DeliveryQueue<EmailMessage> queue)
    {
        try
        {
            await queue.RunAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<AttemptResult> AttemptAsync(EmailMessage message, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.Timeout);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_host, _options.Port, SocketOptions(_options.Tls), timeout.Token);
            if (_options is { Username: { Length: > 0 } user, Password: { } password })
            {
                await client.AuthenticateAsync(user, password, timeout.Token);
            }

            await client.SendAsync(Build(message), timeout.Token);
        }
        catch (Exception error) when (!stopping.IsCancellationRequested && Classify(error) is { } failure)
        {
            // Only the class of the error and the reply code: a server's text may echo addresses or credentials.
            return failure;
        }

        try
        {
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception error) when (!stopping.IsCancellationRequested && Classify(error) is not null)
        {
            // The relay took the message; a failed QUIT changes nothing for it.
        }

        return AttemptResult.Delivered(SuccessReply);
    }

    private MimeMessage Build(EmailMessage message)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = _time.GetUtcNow(),
            // The same id in every attempt, so that a relay or reader can drop a second copy after a lost answer.
            MessageId = $"{message.Id}@{_from[(_from.IndexOf('@', StringComparison.Ordinal) + 1)..]}",
            Body = new TextPart(TextFormat.Plain) { Text = message.Body },
        };
        mime.From.Add(new MailboxAddress(_options.FromName, _from));
        mime.To.AddRange(message.To.Select(to => MailboxAddress.Parse(to)));
        return mime;
    }

    private static SecureSocketOptions SocketOptions(SmtpTls tls) => tls switch
    {
        SmtpTls.None => SecureSocketOptions.None,
        SmtpTls.StartTls => SecureSocketOptions.StartTls,
        SmtpTls.Implicit => SecureSocketOptions.SslOnConnect,
    };

    private static AttemptResult? Classify(Exception error)
    {
        switch (error)
        {
            case SmtpCommandException command:
                var code = ((int)command.StatusCode).ToString(CultureInfo.InvariantCulture);
                return (int)command.StatusCode is >= 400 and < 500 ? AttemptResult.Failed(code) : AttemptResult.Refused(code);
            case AuthenticationException:
                return AttemptResult.Refused(null, "authentication");
            case SslHandshakeException:
                return AttemptResult.Refused(null, "tls");
            case NotSupportedException:
                // The relay lacks what the settings require (STARTTLS, or authentication): never sent without it.
                return AttemptResult.Refused(null, "unsupported");
            case OperationCanceledException or TimeoutException:
                return AttemptResult.Failed(null, "timeout");
            case SmtpProtocolException:
                return AttemptResult.Failed(null, "protocol");
            case IOException or SocketException or ServiceNotConnectedException:
                return AttemptResult.Failed(null, "unreachable");
            default:
                return null;
        }
    }
}
