using Confidant.Services.Authorization;

namespace Confidant.Services.Audit;

/// <summary>
/// Who acted, with the end-user authority: a person (OIDC subject and e-mail) or a workload (kmsauth <c>from</c>, user
/// type and account), and how they authenticated (<see cref="AuditAuthMethods"/>).
/// </summary>
public sealed record AuditActor(
    string Name,
    string Type,
    string? Subject,
    string? Email,
    string? Account,
    string AuthMethod)
{
    /// <summary>The ledger itself, for the records that open, close and seal chains.</summary>
    public static AuditActor System { get; } = new("confidant", "system", null, null, null, AuditAuthMethods.None);

    /// <summary>
    /// The actor of <paramref name="caller"/>. Workloads always come with a kmsauth token; for people the method is
    /// the one the web layer put on the caller's origin, or <c>oidc</c> when there is an OIDC subject.
    /// </summary>
    public static AuditActor From(ConfidantPrincipal caller) => new(
        caller.Name,
        caller.UserType,
        caller.Subject,
        caller.Email,
        caller.Account,
        caller.AuthMethod
            ?? (caller.IsService ? AuditAuthMethods.KmsAuth : caller.Subject is not null ? AuditAuthMethods.Oidc : AuditAuthMethods.Unknown));
}

/// <summary>How an actor authenticated.</summary>
public static class AuditAuthMethods
{
    public const string Oidc = "oidc";
    public const string Entra = "entra";
    public const string Header = "header";
    public const string Development = "development";
    public const string KmsAuth = "kmsauth";
    public const string Command = "command";
    public const string None = "none";
    public const string Unknown = "unknown";
}
