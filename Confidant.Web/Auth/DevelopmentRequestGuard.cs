using System.Net;
using Confidant.Web.Api.Json;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>
/// Development sign-in lets anyone claim any name, and listening on loopback is not enough to keep it local: a
/// sidecar proxy on the same host (Envoy, nginx, oauth2-proxy) forwards strangers from loopback, and a DNS-rebinding
/// page reaches loopback from the developer's own browser under a foreign host name. So, in that mode, every request
/// must come from a loopback address, name a loopback host and carry no proxy headers; anything else gets 403.
/// </summary>
internal static class DevelopmentRequestGuard
{
    public const string Refusal = "Development sign-in only answers requests made directly on this machine: from a loopback " +
        "address, to localhost, 127.0.0.1 or [::1], without proxy headers (Forwarded, X-Forwarded-*, X-Real-IP, Via). " +
        "To serve other clients, set Auth:Mode to EntraId, Oidc or Header.";

    public static IApplicationBuilder UseDevelopmentRequestGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Read per request rather than when the pipeline is built, so that a bad Auth:Mode fails at start-up with
        // the validator's message.
        var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.IsDevelopment && !IsDirectLocalRequest(context.Request, context.Connection.RemoteIpAddress))
        {
            await ApiResults.Error(StatusCodes.Status403Forbidden, Refusal).ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    public static bool IsDirectLocalRequest(HttpRequest request, IPAddress? remote) =>
        remote is not null
        && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
        && IsLoopbackHost(request.Host.Host)
        && !request.Headers.Keys.Any(IsProxyHeader);

    private static bool IsLoopbackHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var address) && IPAddress.IsLoopback(address);
    }

    private static bool IsProxyHeader(string name) =>
        name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Via", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase);
}
