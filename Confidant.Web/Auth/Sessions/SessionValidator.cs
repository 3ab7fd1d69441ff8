using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth.Sessions;

/// <summary>The outcome of checking a session cookie: the principal to keep (maybe re-admitted), or none to end it.</summary>
internal sealed record SessionCheck(ClaimsPrincipal? Principal, bool Changed = false, string? RefreshToken = null, DateTimeOffset? CheckedAt = null)
{
    public static SessionCheck Ended { get; } = new(Principal: null);
}

/// <summary>
/// One place that decides whether a person's session still stands, for cookie requests and open Blazor circuits
/// alike: the absolute lifetime (<c>Auth:Session:MaxLifetimeSeconds</c>), sign-out, and every
/// <c>Auth:Session:RevalidateSeconds</c> the person's admission and roles asked for again: at the identity provider
/// with the session's refresh token (Oidc, EntraId), or, without one, from the claims held against today's settings
/// (allow-list file, role mapping). A refusal or an unreachable provider ends the session: it fails closed.
/// </summary>
internal sealed partial class SessionValidator(
    SessionRegistry registry,
    PersonAdmission admission,
    ProviderRefresh refresh,
    IOptionsMonitor<AuthOptions> options,
    TimeProvider time,
    ILogger<SessionValidator> logger)
{
    /// <summary>
    /// How long a signed-out session's circuits are left alone. The page that signed out is still open while the
    /// browser follows the provider's sign-out redirects; had its circuit sent it to the sign-in meanwhile, that
    /// navigation would cancel the provider's sign-out and sign the person straight back in.
    /// </summary>
    public static readonly TimeSpan SignOutGrace = TimeSpan.FromSeconds(10);

    /// <summary>Stamps a new session's id and start on a person's identity at sign-in.</summary>
    public void Begin(ClaimsIdentity identity)
    {
        identity.AddClaim(new Claim(ConfidantClaims.SessionId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))));
        identity.AddClaim(new Claim(ConfidantClaims.SessionStart, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Remembers a provider sign-in, so that its circuits can be checked against the provider too.</summary>
    public void Remember(ClaimsIdentity identity, string? refreshToken)
    {
        if (TryRead(identity, out var id, out var started))
        {
            registry.GetOrAdd(id, () => new ProviderSession(started, identity.Clone(), refreshToken, time.GetUtcNow()));
        }
    }

    /// <summary>Sign-out: the session's cookie and every open circuit of it stop being accepted on this instance.</summary>
    public void End(ClaimsPrincipal principal)
    {
        if (principal.Identity is ClaimsIdentity identity && TryRead(identity, out var id, out var started))
        {
            registry.End(id, started);
        }
    }

    public async Task<SessionCheck> CheckCookieAsync(
        ClaimsPrincipal principal, string? refreshToken, DateTimeOffset? checkedAt, CancellationToken cancellationToken)
    {
        if (principal.Identity is not ClaimsIdentity identity || !IsCurrent(identity, out var id, out var started))
        {
            return SessionCheck.Ended;
        }

        if (!options.CurrentValue.IsExternal)
        {
            return new SessionCheck(principal);
        }

        var session = registry.GetOrAdd(id, () => new ProviderSession(started, identity.Clone(), refreshToken, checkedAt ?? started));
        var current = await RecheckAsync(id, session, cancellationToken);
        if (current is null)
        {
            return SessionCheck.Ended;
        }

        // The circuit or another request may have refreshed the session since this cookie was written.
        var changed = checkedAt is null || session.CheckedAt > checkedAt;
        return new SessionCheck(changed ? new ClaimsPrincipal(current.Clone()) : principal, changed, session.RefreshToken, session.CheckedAt);
    }

    /// <summary>Whether an open circuit's person may keep the access it was opened with.</summary>
    public async Task<bool> CheckCircuitAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity)
        {
            return true;
        }

        var auth = options.CurrentValue;
        if (auth.IsHeader)
        {
            // Header sign-in has no session to ask about: the circuit's person stands until the next check, when the
            // page reloads through the proxy, which names the person (and their groups) again.
            return StartOf(identity) is { } opened && time.GetUtcNow() - opened < auth.Session.RevalidateInterval;
        }

        if (!TryRead(identity, out var id, out var started) || IsOver(started))
        {
            return false;
        }

        if (registry.EndedAt(id) is { } ended)
        {
            return time.GetUtcNow() - ended < SignOutGrace;
        }

        if (!auth.IsExternal)
        {
            return true;
        }

        // No record here (another instance signed the person in): reloading checks the cookie on this one.
        if (registry.Find(id) is not { } session || await RecheckAsync(id, session, cancellationToken) is not { } current)
        {
            return false;
        }

        return RolesOf(current).SetEquals(RolesOf(identity));
    }

    private static HashSet<string> RolesOf(ClaimsIdentity identity) =>
        identity.FindAll(ConfidantClaims.Role).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);

    private static DateTimeOffset? StartOf(ClaimsIdentity identity) =>
        long.TryParse(identity.FindFirst(ConfidantClaims.SessionStart)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static bool TryRead(ClaimsIdentity identity, out string id, out DateTimeOffset started)
    {
        id = identity.FindFirst(ConfidantClaims.SessionId)?.Value ?? string.Empty;
        started = StartOf(identity) ?? default;
        return id.Length > 0 && started != default;
    }

    /// <summary>A session with our stamps, within its absolute lifetime and not signed out.</summary>
    private bool IsCurrent(ClaimsIdentity identity, out string id, out DateTimeOffset started) =>
        TryRead(identity, out id, out started) && !IsOver(started) && registry.EndedAt(id) is null;

    private bool IsOver(DateTimeOffset started)
    {
        if (time.GetUtcNow() < started + options.CurrentValue.Session.MaxLifetime)
        {
            return false;
        }

        LogLifetimeOver(logger);
        return true;
    }

    /// <summary>The session's identity, asked for again when the last check is older than the interval; null ends it.</summary>
    private async Task<ClaimsIdentity?> RecheckAsync(string id, ProviderSession session, CancellationToken cancellationToken)
    {
        var interval = options.CurrentValue.Session.RevalidateInterval;
        if (time.GetUtcNow() - session.CheckedAt < interval)
        {
            return session.Identity;
        }

        // One refresh per session at a time: providers that rotate refresh tokens revoke a token used twice.
        await session.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (now - session.CheckedAt < interval)
            {
                return session.Identity;
            }

            var candidate = await AskAgainAsync(session, cancellationToken);
            if (candidate is null || !admission.Admit(candidate).Allowed)
            {
                registry.End(id, session.Started);
                LogSessionEnded(logger);
                return null;
            }

            candidate.AddClaim(new Claim(ConfidantClaims.SessionId, id));
            candidate.AddClaim(new Claim(ConfidantClaims.SessionStart, session.Started.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
            session.Identity = candidate;
            session.CheckedAt = now;
            return candidate;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>The provider's current word on the person, or the held claims when there is no refresh token.</summary>
    private async Task<ClaimsIdentity?> AskAgainAsync(ProviderSession session, CancellationToken cancellationToken)
    {
        var held = session.Identity;
        if (session.RefreshToken is not { } token)
        {
            return held.Clone();
        }

        var result = await refresh.RefreshAsync(token, cancellationToken);
        if (result.Status != RefreshStatus.Refreshed)
        {
            return null;
        }

        session.RefreshToken = result.RefreshToken ?? token;
        if (result.Identity is not { } fresh)
        {
            // No new ID token: the provider still honours the session, and the held claims stand.
            return held.Clone();
        }

        if (!string.Equals(SubjectOf(fresh), SubjectOf(held), StringComparison.Ordinal))
        {
            return null;
        }

        return new ClaimsIdentity(fresh.Claims, held.AuthenticationType, held.NameClaimType, held.RoleClaimType);
    }

    private static string? SubjectOf(ClaimsIdentity identity) =>
        identity.FindFirst("sub")?.Value ?? identity.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    [LoggerMessage(Level = LogLevel.Information, Message = "A session reached Auth:Session:MaxLifetimeSeconds and ended.")]
    private static partial void LogLifetimeOver(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "A session ended: the person could not be admitted again.")]
    private static partial void LogSessionEnded(ILogger logger);
}
