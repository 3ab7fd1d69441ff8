using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;

namespace Confidant.Services.Audit;

/// <summary>
/// Reads of the audit trail for people and the REST API, behind the ACL: the trail and the chains' status are for
/// admins (<c>audit:list</c>); a credential's access panel for whoever may reveal it (<c>credential:access</c>).
/// </summary>
public sealed class AuditReader(AuditLog audit, IAclPolicy acl, CredentialReader credentials)
{
    /// <summary>Whether <paramref name="caller"/> may read the audit trail (the page and its menu entry are shown then).</summary>
    public bool CanRead(ConfidantPrincipal caller) => acl.IsAllowed(caller, AclResources.Audit, AclActions.List);

    /// <summary>Whether <paramref name="caller"/> may see who received credential <paramref name="id"/>.</summary>
    public bool CanSeeAccess(ConfidantPrincipal caller, string id) =>
        acl.IsAllowed(caller, AclResources.Credential, AclActions.Access, id);

    /// <summary>A page of records matching <paramref name="query"/>, newest first.</summary>
    public Task<AuditPage> QueryAsync(ConfidantPrincipal caller, AuditQuery query, CancellationToken cancellationToken = default)
    {
        RequireRead(caller);
        if (query.From is { } from && query.To is { } to && from >= to)
        {
            throw ConfidantException.BadRequest("from must be earlier than to.");
        }

        return audit.QueryAsync(query, cancellationToken);
    }

    /// <summary>Every chain with its head and last checkpoint.</summary>
    public Task<IReadOnlyList<AuditChainStatus>> StatusAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        RequireRead(caller);
        return audit.StatusAsync(cancellationToken);
    }

    /// <summary>
    /// Every principal that received credential <paramref name="id"/> since its values last changed (its
    /// <c>last_rotation_date</c>; all time when it has none), with counts, first and last time, and revisions.
    /// </summary>
    public async Task<CredentialAccess> CredentialAccessAsync(ConfidantPrincipal caller, string id, CancellationToken cancellationToken = default)
    {
        if (!CanSeeAccess(caller, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to the access record of credential {id}", id);
        }

        // Metadata only: the rotation date is all that is needed, and nothing is decrypted for the caller.
        var credential = await credentials.GetAsync(caller, id, metadataOnly: true, cancellationToken);
        var since = credential.Item.LastRotationDate;
        var principals = await audit.AccessAsync(AclResources.Credential, id, since, cancellationToken);
        return new CredentialAccess(
            id,
            since,
            principals.OrderByDescending(p => p.Last).ThenBy(p => p.ActorName, StringComparer.Ordinal).ToList());
    }

    private void RequireRead(ConfidantPrincipal caller)
    {
        if (!CanRead(caller))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to the audit trail");
        }
    }
}

/// <summary>Who received a credential since <see cref="Since"/> (its last rotation; null: ever), most recent first.</summary>
public sealed record CredentialAccess(string CredentialId, DateTimeOffset? Since, IReadOnlyList<AuditAccess> Principals);
