using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;

namespace Confidant.Services.Credentials;

public sealed partial class CredentialReader
{
    /// <summary>
    /// One revision of a credential (spec §9.2). Keys are always listed; the pairs only when
    /// <paramref name="metadataOnly"/> is false and the caller may read them, and then the reveal is recorded.
    /// </summary>
    public async Task<Credential> GetRevisionAsync(
        ConfidantPrincipal caller,
        string id,
        int revision,
        bool metadataOnly = true,
        CancellationToken cancellationToken = default)
    {
        var reveal = !metadataOnly;
        var entry = AuditEntry.For(caller, AuditActions.Reveal, AclResources.Credential, id, revision);
        await RequireRevisionAccessAsync(caller, id, reveal ? entry : null);
        var item = await LoadRevisionAsync(id, revision, $"Revision {revision} of credential {id} was not found.", cancellationToken);
        if (!reveal)
        {
            // Decrypted even for metadata: the key names live inside the encrypted pairs.
            return View(item, await cipher.DecryptAsync(item, cancellationToken), reveal: false);
        }

        var pairs = await audit.GuardAsync(entry, () => cipher.DecryptAsync(item, cancellationToken));

        // As for the current item: a reveal that cannot be recorded is not made.
        await audit.DeliveredAsync(entry, cancellationToken);
        return View(item, pairs);
    }

    /// <summary>
    /// Two revisions of a credential with their values, to show side by side: one delivery (<c>diff</c>) listing
    /// both, recorded before the values leave.
    /// </summary>
    public async Task<(Credential Older, Credential Newer)> RevealRevisionsAsync(
        ConfidantPrincipal caller,
        string id,
        int older,
        int newer,
        CancellationToken cancellationToken = default)
    {
        var entry = AuditEntry.For(caller, AuditActions.Diff, AclResources.Credential, id) with
        {
            Items = [new AuditItem(AclResources.Credential, id, older), new AuditItem(AclResources.Credential, id, newer)],
        };
        await RequireRevisionAccessAsync(caller, id, entry);
        var first = await LoadRevisionAsync(id, older, $"Revision {older} of credential {id} was not found.", cancellationToken);
        var second = await LoadRevisionAsync(id, newer, $"Revision {newer} of credential {id} was not found.", cancellationToken);
        var (firstPairs, secondPairs) = await audit.GuardAsync(entry, async () =>
            (await cipher.DecryptAsync(first, cancellationToken), await cipher.DecryptAsync(second, cancellationToken)));
        await audit.DeliveredAsync(entry, cancellationToken);
        return (View(first, firstPairs), View(second, secondPairs));
    }

    /// <summary>Metadata access to the revisions, and for a delivery (<paramref name="delivery"/>) read access too; refusals of a delivery are recorded.</summary>
    private async Task RequireRevisionAccessAsync(ConfidantPrincipal caller, string id, AuditEntry? delivery)
    {
        await RequireMetadataAccessAsync(caller, id, $"{caller.Name} does not have access to credential {id} revisions", delivery);
        if (delivery is not null && !acl.IsAllowed(caller, AclResources.Credential, AclActions.Get, id))
        {
            throw await audit.DeniedAsync(delivery, ConfidantException.Forbidden($"{caller.Name} does not have access to credential {id}", id));
        }
    }
}
