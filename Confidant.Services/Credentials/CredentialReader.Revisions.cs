using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

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
        RequireMetadataAccess(caller, id, $"{caller.Name} does not have access to credential {id} revisions");
        var reveal = !metadataOnly;
        if (reveal && !acl.IsAllowed(caller, AclResources.Credential, AclActions.Get, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to credential {id}", id);
        }

        var item = await LoadRevisionAsync(id, revision, $"Revision {revision} of credential {id} was not found.", cancellationToken);

        // Decrypted even for metadata: the key names live inside the encrypted pairs.
        var pairs = await cipher.DecryptAsync(item, cancellationToken);
        if (reveal)
        {
            // As for the current item: a reveal that cannot be recorded is not made.
            await audit.RecordAsync(caller, AuditActions.Reveal, AclResources.Credential, id, revision, cancellationToken: cancellationToken);
        }

        return View(item, pairs, reveal);
    }

    /// <summary>
    /// Current items of the credentials moved to the archive table (spec §4.2 archive, §9.3), most recently archived
    /// first. Pairs are never included.
    /// </summary>
    public async Task<IReadOnlyList<Credential>> ListArchivedAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        RequireList(caller);
        var result = await store.QueryArchiveAsync(DataType.Credential, PageRequest.All, cancellationToken);
        return result.Items.OfType<CredentialItem>()
            .Where(i => i.DataType == DataType.Credential)
            .OrderByDescending(i => i.ArchiveDate ?? i.ModifiedDate)
            .Select(i => View(i, null))
            .ToList();
    }
}
