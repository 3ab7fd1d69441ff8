using System.Net;
using System.Net.Sockets;

namespace Confidant.Tests.Support;

/// <summary>
/// A loopback port free at the time of asking, for servers that cannot bind port 0 themselves and report the port
/// (dynalite, moto, the SMTP server, the test identity provider): bound, read and released.
/// </summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
