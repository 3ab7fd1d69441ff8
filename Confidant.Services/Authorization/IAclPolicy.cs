namespace Confidant.Services.Authorization;

/// <summary>
/// The ACL hook (spec §3.1): <c>acl(resource_type, action, resource_id, kwargs) → bool</c>. Domain services call it
/// before they read or write, so the REST API and the UI share one enforcement point.
/// </summary>
public interface IAclPolicy
{
    /// <summary>Whether <paramref name="principal"/> may perform <paramref name="action"/> on the resource.</summary>
    bool IsAllowed(
        ConfidantPrincipal principal,
        string resourceType,
        string action,
        string? resourceId = null,
        AclArguments? arguments = null);
}

/// <summary>
/// The optional keyword arguments of a check (spec §3.2 "kwargs"); <paramref name="Ca"/> and <paramref name="San"/>
/// go with <c>certificate</c> checks, whose resource id is the common name.
/// </summary>
public sealed record AclArguments(
    IReadOnlyList<string>? CredentialIds = null,
    IReadOnlySet<string>? NewCredentialIds = null,
    string? Ca = null,
    IReadOnlyList<string>? San = null)
{
    /// <summary>jwt:get — the subject the token is asked for (kwargs <c>id</c>).</summary>
    public string? Id { get; init; }

    /// <summary>jwt:get — the environment whose key signs it (kwargs <c>environment</c>).</summary>
    public string? Environment { get; init; }
}
