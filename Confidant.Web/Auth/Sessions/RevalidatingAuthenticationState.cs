using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth.Sessions;

/// <summary>
/// An open Blazor circuit keeps the person it was opened with; this checks them again every
/// <c>Auth:Session:RevalidateSeconds</c>. When the session ended (sign-out, absolute lifetime, refused by the
/// provider) or the person's roles changed, the circuit's person becomes anonymous: the page leaves for the sign-in,
/// and the next full load carries the current roles.
/// </summary>
internal sealed class RevalidatingAuthenticationState(
    ILoggerFactory loggerFactory,
    SessionValidator sessions,
    IOptions<AuthOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.Session.RevalidateInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        sessions.CheckCircuitAsync(authenticationState.User, cancellationToken);
}
