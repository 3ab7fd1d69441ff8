using System.Net;

namespace Confidant.Web.Auth;

/// <summary>Decides whether a server URL (as written in urls / ASPNETCORE_URLS / Kestrel endpoints) is loopback only.</summary>
internal static class LoopbackAddress
{
    public static bool IsLoopback(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        var host = HostOf(url.Trim());
        if (host is null)
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // `*`, `+` and unspecified addresses (0.0.0.0, [::]) mean every interface; names other than localhost may
        // resolve anywhere. Only literal loopback addresses (127.0.0.0/8, ::1) are accepted.
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    private static string? HostOf(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return null;
        }

        var rest = url[(schemeEnd + 3)..];
        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart < 0 ? rest : rest[..pathStart];

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? null : authority[1..close];
        }

        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }
}
