using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Confidant.Tests.Support.Notifications;

/// <summary>One message as the SMTP server took it: the envelope, the parsed message, who authenticated.</summary>
public sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, string? User)
{
    public string Body => Message.TextBody ?? string.Empty;
}

/// <summary>
/// A real SMTP server (the SmtpServer package) on a loopback port in the test process: it records what it takes,
/// answers the first messages with a chosen reply code when told to, and checks a user and password when given one.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private readonly Channel<ReceivedMail> _received = Channel.CreateUnbounded<ReceivedMail>();
    private readonly ConcurrentQueue<int> _replies = new();
    private readonly ConcurrentQueue<(string User, string Password)> _logins = new();

    private SmtpReceiver(int port, (string User, string Password)? credentials)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .AllowUnsecureAuthentication(true)
                .AuthenticationRequired(credentials is not null))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Authenticator(this, credentials));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(CancellationToken.None);
    }

    public int Port { get; }

    /// <summary>The logins tried, right or wrong.</summary>
    public IReadOnlyCollection<(string User, string Password)> Logins => _logins;

    public static async Task<SmtpReceiver> StartAsync((string User, string Password)? credentials = null)
    {
        var receiver = new SmtpReceiver(LoopbackPorts.Free(), credentials);
        await receiver.WaitUntilListeningAsync();
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> messages are answered <paramref name="replyCode"/> (and not kept).</summary>
    public void FailNext(int count, int replyCode)
    {
        for (var i = 0; i < count; i++)
        {
            _replies.Enqueue(replyCode);
        }
    }

    /// <summary>The next message taken, in order.</summary>
    public async Task<ReceivedMail> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cancel.Token);
    }

    public bool HasPending => _received.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(5));
        await _running.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
    }

    private sealed class Store(SmtpReceiver receiver) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (receiver._replies.TryDequeue(out var code))
            {
                return new SmtpResponse((SmtpReplyCode)code, "refused by the test");
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var user = context.Authentication.IsAuthenticated ? context.Authentication.User : null;
            await receiver._received.Writer.WriteAsync(
                new ReceivedMail(transaction.From.AsAddress(), [.. transaction.To.Select(t => t.AsAddress())], message, user), cancellationToken);
            return SmtpResponse.Ok;
        }
    }

    private sealed class Authenticator(SmtpReceiver receiver, (string User, string Password)? credentials) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
        {
            receiver._logins.Enqueue((user, password));
            return Task.FromResult(credentials is { } expected && expected.User == user && expected.Password == password);
        }
    }
}
