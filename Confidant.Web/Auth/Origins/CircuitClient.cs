using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Confidant.Web.Auth.Origins;

/// <summary>
/// The browser behind a UI circuit: its address (after trusted proxies) and user agent, taken from the connection
/// the circuit runs over when it opens (and again when it reconnects). Unknown (null) outside a circuit.
/// </summary>
internal sealed class CircuitClient
{
    public string? Address { get; private set; }

    public string? UserAgent { get; private set; }

    public void Capture(HttpContext? http)
    {
        if (http is not null)
        {
            Address = http.Connection.RemoteIpAddress?.ToString();
            UserAgent = CallerOrigins.UserAgent(http.Request.Headers.UserAgent.ToString());
        }
    }

    /// <summary>
    /// Reads the circuit's connection: the hub request whose socket carries the circuit, after the trusted-proxy
    /// middleware has run on it, is what <see cref="IHttpContextAccessor"/> holds while the circuit opens.
    /// </summary>
    internal sealed class Capturing(CircuitClient client, IHttpContextAccessor accessor) : CircuitHandler
    {
        public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            client.Capture(accessor.HttpContext);
            return Task.CompletedTask;
        }
    }
}
