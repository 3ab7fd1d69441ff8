namespace Confidant.Web.Auth.Sessions;

/// <summary>How long a person's session lasts and how often their access is asked for again (spec §2.6).</summary>
internal sealed class SessionLifetimeOptions
{
    public const string SectionName = "Auth:Session";

    /// <summary>PERMANENT_SESSION_LIFETIME: a session unused this long ends; each use extends it.</summary>
    public int IdleTimeoutSeconds { get; set; } = 8 * 3600;

    /// <summary>MAX_PERMANENT_SESSION_LIFETIME: a session ends this long after sign-in, however much it is used.</summary>
    public int MaxLifetimeSeconds { get; set; } = 12 * 3600;

    /// <summary>
    /// How often a session's person and roles are checked again: at the identity provider (Oidc, EntraId), or by
    /// reloading through the proxy (Header), in requests and in open Blazor circuits alike.
    /// </summary>
    public int RevalidateSeconds { get; set; } = 300;

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(IdleTimeoutSeconds);

    public TimeSpan MaxLifetime => TimeSpan.FromSeconds(MaxLifetimeSeconds);

    public TimeSpan RevalidateInterval => TimeSpan.FromSeconds(RevalidateSeconds);
}
