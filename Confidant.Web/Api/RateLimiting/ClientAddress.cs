using System.Threading.RateLimiting;

namespace Confidant.Web.Api.RateLimiting;

/// <summary>The partition key of the per-address limits, and how long a refused lease asks the client to wait.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's remote address (after any trusted forwarded-headers processing). IPv4 addresses seen through
    /// an IPv6 socket are keyed as IPv4 so that one client has one budget.
    /// </summary>
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        var address => address.ToString(),
    };

    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
}
