using System.Net;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Network;

/// <summary>The parsed <see cref="NetworkOptions.TrustedProxies"/>: whether a peer is one of our reverse proxies.</summary>
internal sealed class TrustedProxies(IOptions<NetworkOptions> options)
{
    private readonly Lazy<IPNetwork[]> _networks = new(() => options.Value.TrustedProxies
        .Select(value => TryParse(value, out var network) ? network : (IPNetwork?)null)
        .OfType<IPNetwork>()
        .ToArray());

    public IReadOnlyList<IPNetwork> Networks => _networks.Value;

    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        // Kestrel on a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Value.Any(network => network.Contains(normalized));
    }

    /// <summary>An address is a network of one host (/32 or /128).</summary>
    public static bool TryParse(string? value, out IPNetwork network)
    {
        network = default;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(text, out network);
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        network = new IPNetwork(normalized, normalized.GetAddressBytes().Length * 8);
        return true;
    }
}
