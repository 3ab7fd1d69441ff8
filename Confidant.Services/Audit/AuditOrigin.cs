namespace Confidant.Services.Audit;

/// <summary>
/// Where an act came from: the channel (<see cref="AuditChannels"/>), the UI page route, REST route template (for
/// example <c>GET /v1/services/{id}</c>) or command verb, and, when known, the client address (trusted-proxy aware),
/// user agent and request id.
/// </summary>
public sealed record AuditOrigin(
    string Channel,
    string Route,
    string? Address = null,
    string? UserAgent = null,
    string? RequestId = null)
{
    /// <summary>An act whose caller carries no origin (the web layer did not set one).</summary>
    public static AuditOrigin Unknown { get; } = new(AuditChannels.Unknown, string.Empty);
}

/// <summary>The channels an act can come through.</summary>
public static class AuditChannels
{
    public const string Ui = "ui";
    public const string Rest = "rest";
    public const string Command = "command";

    /// <summary>The ledger's own records (chain open, close, seal).</summary>
    public const string System = "system";

    public const string Unknown = "unknown";
}
