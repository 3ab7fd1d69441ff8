namespace Confidant.Services.Authorization;

/// <summary>
/// Who is calling (spec §2.8): a person (user) or a workload (service). <see cref="Roles"/> is the set of
/// <see cref="ConfidantRoles"/> a person holds; null means roles do not apply to this caller (the original
/// Confidant's model, where every user could do everything but certificates). <see cref="Subject"/> (the OIDC
/// subject) and <see cref="Address"/> (where the request came from) are kept for the audit trail.
/// </summary>
public sealed record ConfidantPrincipal(
    string Name,
    string UserType,
    string? Email = null,
    string? Account = null,
    IReadOnlySet<string>? Roles = null,
    string? Subject = null,
    string? Address = null)
{
    public const string User = "user";
    public const string Service = "service";

    public bool IsService => string.Equals(UserType, Service, StringComparison.Ordinal);

    /// <summary>Where the caller's request came from (page, route or command), set by the host for the audit trail.</summary>
    public Audit.AuditOrigin? Origin { get; init; }

    /// <summary>How the caller authenticated (<see cref="Audit.AuditAuthMethods"/>), set by the host for the audit trail.</summary>
    public string? AuthMethod { get; init; }

    /// <summary>Whether the caller holds <paramref name="role"/> or a role above it.</summary>
    public bool HasRole(string role) => Roles is null || ConfidantRoles.Satisfies(Roles, role);

    public static ConfidantPrincipal ForUser(string name, string? email = null, IReadOnlySet<string>? roles = null) =>
        new(name, User, email ?? name, null, roles);

    public static ConfidantPrincipal ForService(string name, string? account = null) => new(name, Service, null, account);
}

/// <summary>
/// Least-privilege roles for people: a reader sees metadata only, an editor may also reveal and change secrets and
/// mappings, an admin may also create services, manage grants and archive. Each role includes the ones below it.
/// </summary>
public static class ConfidantRoles
{
    public const string Reader = "reader";
    public const string Editor = "editor";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Reader, Editor, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    public static bool Satisfies(IReadOnlySet<string> held, string required) => required switch
    {
        Reader => held.Contains(Reader) || held.Contains(Editor) || held.Contains(Admin),
        Editor => held.Contains(Editor) || held.Contains(Admin),
        Admin => held.Contains(Admin),
        _ => false,
    };
}
