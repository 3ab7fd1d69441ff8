using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api.RateLimiting;

/// <summary>
/// Counts refused /v1 authentications per client address (<c>RateLimits:FailedAuthenticationsPerMinute</c>). Unlike
/// the request limiter of ASP.NET Core it spends a permit only after a refusal is known, so that successful requests
/// never count; an address with no permit left is refused before its token costs a key-service call.
/// </summary>
public sealed class FailedAuthenticationLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedAuthenticationsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null while the caller's address may still fail; otherwise the seconds until it may try again.</summary>
    public int? RetryAfterSeconds(HttpContext http)
    {
        using var probe = _limiter.AttemptAcquire(ClientAddress.Of(http), 0);
        return probe.IsAcquired ? null : ClientAddress.RetryAfterSeconds(probe);
    }

    /// <summary>Spends one permit of the caller's address for a refused authentication.</summary>
    public void Failed(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(ClientAddress.Of(http));
    }

    public void Dispose() => _limiter.Dispose();
}
