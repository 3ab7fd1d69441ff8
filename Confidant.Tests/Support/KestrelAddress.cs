using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support;

/// <summary>Runs a test app on real Kestrel (a loopback socket, so requests have a client address) instead of in memory.</summary>
public static class KestrelAddress
{
    /// <summary>Starts <paramref name="factory"/>'s app on 127.0.0.1 and returns its base address.</summary>
    public static Uri Start(ConfidantWebFactory factory)
    {
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }
}
