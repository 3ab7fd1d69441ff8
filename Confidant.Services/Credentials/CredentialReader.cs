using System.Text.Json.Nodes;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Credentials;

/// <summary>Reads of credentials: get, list, revisions, history and diffs (spec §4.2).</summary>
public sealed partial class CredentialReader(
    IConfidantStore store,
    CredentialCipher cipher,
    IAclPolicy acl,
    IOptions<CredentialOptions> options,
    AuditRecorder audit,
    TimeProvider time)
{
    /// <summary>
    /// One credential. Keys are always listed; the pairs only when <paramref name="metadataOnly"/> is false and the
    /// caller may read them.
    /// </summary>
    public async Task<Credential> GetAsync(
        ConfidantPrincipal caller,
        string id,
        bool metadataOnly = false,
        CancellationToken cancellationToken = default)
    {
        var entry = AuditEntry.For(caller, AuditActions.Reveal, AclResources.Credential, id);
        await RequireMetadataAccessAsync(caller, id, $"{caller.Name} does not have access to credential {id}", metadataOnly ? null : entry);
        if (await store.GetAsync(id, cancellationToken) is not CredentialItem { DataType: DataType.Credential } item)
        {
            throw ConfidantException.NotFound(ErrorMessages.CredentialNotFound, id);
        }

        entry = entry with { Revision = item.Revision };
        var reveal = !metadataOnly && acl.IsAllowed(caller, AclResources.Credential, AclActions.Get, id);
        if (!metadataOnly && !reveal)
        {
            // The answer carries the keys only (spec §4.2), but the values were asked for and refused.
            await audit.DeniedAsync(entry, ConfidantException.Forbidden($"{caller.Name} may not read the values of credential {id}", id));
        }

        // Decrypted even for metadata: the key names live inside the encrypted pairs.
        var pairs = reveal
            ? await audit.GuardAsync(entry, () => cipher.DecryptAsync(item, cancellationToken))
            : await cipher.DecryptAsync(item, cancellationToken);
        if (reveal)
        {
            // Recorded before the values leave: a reveal that cannot be recorded is not made.
            await audit.DeliveredAsync(entry, cancellationToken);
        }

        return View(item, pairs, reveal);
    }

    /// <summary>Current credentials: all of them, or a page of the most recently modified (spec §4.2, §13.19).</summary>
    public async Task<Page<Credential>> ListAsync(
        ConfidantPrincipal caller,
        int? limit = null,
        string? page = null,
        CancellationToken cancellationToken = default)
    {
        RequireList(caller);
        if (limit is null && page is not null)
        {
            // spec §4.2: without a limit the page token is unused but still validated (400 when bad).
            PageToken.Decode(page, DataType.Credential);
        }

        var request = limit is null ? PageRequest.All : new PageRequest(limit, Descending: true, page);
        var result = await store.QueryAsync(DataType.Credential, request, cancellationToken);
        return SortedByName(result);
    }

    /// <summary>Revision records of every credential, newest first (spec §4.2 GET /v1/archive/credentials).</summary>
    public async Task<Page<Credential>> ListHistoryAsync(
        ConfidantPrincipal caller,
        int? limit = null,
        string? page = null,
        CancellationToken cancellationToken = default)
    {
        RequireList(caller);
        var result = await store.QueryAsync(DataType.ArchiveCredential, new PageRequest(limit, Descending: true, page), cancellationToken);
        return SortedByName(result);
    }

    /// <summary>Every revision of one credential, oldest first.</summary>
    public async Task<IReadOnlyList<Credential>> ListRevisionsAsync(
        ConfidantPrincipal caller,
        string id,
        CancellationToken cancellationToken = default)
    {
        RequireMetadataAccess(caller, id, $"{caller.Name} does not have access to credential {id} revisions");
        if (await store.GetAsync(id, cancellationToken) is not CredentialItem { DataType: DataType.Credential } current)
        {
            throw ConfidantException.NotFound(ErrorMessages.CredentialNotFound, id);
        }

        var ids = Enumerable.Range(1, current.Revision).Select(n => RevisionId.Of(id, n));
        return (await store.GetManyAsync(ids, cancellationToken))
            .OfType<CredentialItem>()
            .OrderBy(i => i.Revision)
            .Select(i => View(i, null))
            .ToList();
    }

    /// <summary>What changed between two revisions; values of pairs are never shown (spec §4.2 diff).</summary>
    public async Task<JsonObject> DiffAsync(
        ConfidantPrincipal caller,
        string id,
        int oldRevision,
        int newRevision,
        CancellationToken cancellationToken = default)
    {
        RequireMetadataAccess(caller, id, $"{caller.Name} does not have access to diff credential {id}");
        // spec §4.2: the URL's old revision missing is "Credential not found.", its new one a bare 404 (another
        // message here, which the endpoint turns into {}); then the lower revision is "old" whatever the URL order.
        var first = await LoadRevisionAsync(id, oldRevision, ErrorMessages.CredentialNotFound, cancellationToken);
        var second = await LoadRevisionAsync(id, newRevision, $"Revision {newRevision} of credential {id} was not found.", cancellationToken);
        if (oldRevision == newRevision)
        {
            return [];
        }

        var (old, @new) = oldRevision < newRevision ? (first, second) : (second, first);

        var oldPairs = await cipher.DecryptAsync(old, cancellationToken);
        var newPairs = await cipher.DecryptAsync(@new, cancellationToken);
        return RevisionDiff.Credentials(old, oldPairs, @new, newPairs);
    }

    /// <summary>The current item of a credential, or the spec's not-found / wrong-type errors.</summary>
    internal async Task<CredentialItem> LoadCurrentAsync(string id, CancellationToken cancellationToken)
    {
        return await store.GetAsync(id, cancellationToken) switch
        {
            null => throw ConfidantException.NotFound(ErrorMessages.CredentialNotFound, id),
            CredentialItem { DataType: DataType.Credential } item => item,
            _ => throw ConfidantException.BadRequest(ErrorMessages.NotACredential, id),
        };
    }

    /// <summary>The caller's view of an item; pairs shown only when <paramref name="reveal"/>.</summary>
    internal Credential View(CredentialItem item, CredentialPairs? pairs, bool reveal = true) =>
        new(item, pairs?.Keys.ToList() ?? [], reveal ? pairs : null, NextRotationDate(item));

    /// <summary>Spec §9.6.</summary>
    internal DateTimeOffset? NextRotationDate(CredentialItem item)
    {
        var settings = options.Value;
        if (item.Tags.Any(settings.TagsExcludingRotation.Contains))
        {
            return null;
        }

        if (item.LastRotationDate is not { } rotated)
        {
            return RevisionWriter.Now(time);
        }

        if (item.LastDecryptedDate is { } decrypted && decrypted > rotated)
        {
            return decrypted;
        }

        var days = settings.MaximumRotationDays;
        foreach (var tag in item.Tags)
        {
            if (settings.RotationDaysConfig.TryGetValue(tag, out var tagDays) && tagDays < days)
            {
                days = tagDays;
            }
        }

        return rotated.AddDays(days);
    }

    private async Task<CredentialItem> LoadRevisionAsync(string id, int revision, string notFound, CancellationToken cancellationToken)
    {
        return await store.GetAsync(RevisionId.Of(id, revision), cancellationToken) switch
        {
            null => throw ConfidantException.NotFound(notFound, id),
            CredentialItem { DataType: DataType.ArchiveCredential } item => item,
            _ => throw ConfidantException.BadRequest(ErrorMessages.NotACredential, id),
        };
    }

    private Page<Credential> SortedByName(ItemPage page) => new(
        page.Items.OfType<CredentialItem>()
            .OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase)
            .Select(i => View(i, null))
            .ToList(),
        page.NextToken);

    private void RequireList(ConfidantPrincipal caller)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.List))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to list credentials");
        }
    }

    private void RequireMetadataAccess(ConfidantPrincipal caller, string id, string message)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Metadata, id))
        {
            throw ConfidantException.Forbidden(message, id);
        }
    }

    /// <summary>As <see cref="RequireMetadataAccess"/>; a refused delivery (<paramref name="delivery"/>) is recorded.</summary>
    private async Task RequireMetadataAccessAsync(ConfidantPrincipal caller, string id, string message, AuditEntry? delivery)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Metadata, id))
        {
            var refusal = ConfidantException.Forbidden(message, id);
            throw delivery is null ? refusal : await audit.DeniedAsync(delivery, refusal);
        }
    }
}
