using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Confidant.Tests.Support;

/// <summary>One request as the receiver saw it, with the status it answered.</summary>
public sealed record ReceivedWebhook(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The receiver's check of <c>Confidant-Signature</c> (<c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>): HMAC-SHA256 with
    /// the endpoint's <paramref name="secret"/> over "t." and the body, compared in fixed time.
    /// </summary>
    public bool SignedWith(string secret)
    {
        var parts = (Header("Confidant-Signature") ?? string.Empty).Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _) || !parts.TryGetValue("v1", out var mac))
        {
            return false;
        }

        byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. Body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(mac));
    }
}

/// <summary>
/// A webhook receiver on real Kestrel, on loopback: each path records what it is sent and answers 200, or a failure
/// status for its first requests, or never answers at all.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>A signing secret long enough for a signed endpoint.</summary>
    public const string Secret = "a-webhook-secret-of-at-least-32-characters";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Channel<ReceivedWebhook>> _received = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Remaining, int Status)> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _hanging = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver._app.MapPost("/{name}", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    public string Url(string name) => new Uri(BaseAddress, name).ToString();

    /// <summary>The next <paramref name="count"/> requests to <paramref name="name"/> are answered <paramref name="status"/>.</summary>
    public void FailFirst(string name, int count, int status) => _failures[name] = (count, status);

    /// <summary>Requests to <paramref name="name"/> are read, recorded with status 0, and never answered.</summary>
    public void Hang(string name) => _hanging[name] = true;

    /// <summary>The next request <paramref name="name"/> received, in order.</summary>
    public async Task<ReceivedWebhook> NextAsync(string name, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await Queue(name).Reader.ReadAsync(cancel.Token);
    }

    /// <summary>Whether a request to <paramref name="name"/> is waiting to be read.</summary>
    public bool HasPending(string name) => Queue(name).Reader.TryPeek(out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context, string name)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (_hanging.ContainsKey(name))
        {
            // Recorded with no status: it never gets one.
            await Queue(name).Writer.WriteAsync(new ReceivedWebhook(0, headers, body.ToArray()));
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        var status = StatusCodes.Status200OK;
        if (_failures.TryGetValue(name, out var failing) && failing.Remaining > 0)
        {
            _failures[name] = (failing.Remaining - 1, failing.Status);
            status = failing.Status;
        }

        await Queue(name).Writer.WriteAsync(new ReceivedWebhook(status, headers, body.ToArray()));
        context.Response.StatusCode = status;
    }

    private Channel<ReceivedWebhook> Queue(string name) => _received.GetOrAdd(name, _ => Channel.CreateUnbounded<ReceivedWebhook>());
}
