using System.Security.Cryptography;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Credentials;

/// <summary>Writes of server-side encrypted credentials: create, update, revert (spec §4.2, §9.1-9.2).</summary>
public sealed class CredentialService(
    IConfidantStore store,
    RevisionWriter writer,
    CredentialCipher cipher,
    CredentialReader reader,
    CredentialConflictDetector conflicts,
    IAclPolicy acl,
    IOptions<CredentialOptions> options,
    WriteAudit audit,
    TimeProvider time)
{
    private CredentialOptions Options => options.Value;

    public async Task<Credential> CreateAsync(ConfidantPrincipal caller, CredentialInput input, CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Create))
        {
            throw ConfidantException.Forbidden($"{caller.Name}does not have access to create credentials");
        }

        // Validation order of the original (spec §4.2): documentation, pairs, metadata, pair rules, name.
        if (Options.EnforceDocumentation && string.IsNullOrEmpty(input.Documentation))
        {
            throw ConfidantException.BadRequest(ErrorMessages.DocumentationRequired);
        }

        if (input.Pairs is not { Count: > 0 })
        {
            throw ConfidantException.BadRequest(ErrorMessages.CredentialPairsRequired);
        }

        var metadata = input.Metadata is { } m ? CredentialRules.ValidMetadata(m) : "{}";
        var pairs = CredentialRules.ValidPairs(input.Pairs);
        var name = CredentialRules.ValidName(input.Name);
        var documentation = CredentialRules.ValidDocumentation(input.Documentation);
        var tags = CredentialRules.ValidTags(input.Tags ?? []);
        await EnsureNameIsFreeAsync(name, exceptId: null, cancellationToken);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var encrypted = await cipher.EncryptAsync(id, pairs, cancellationToken);
        var now = RevisionWriter.Now(time);
        var item = new CredentialItem
        {
            Id = id,
            DataType = DataType.Credential,
            Revision = 1,
            Enabled = input.Enabled ?? true,
            ModifiedDate = now,
            ModifiedBy = caller.Name,
            Name = name,
            CredentialPairs = encrypted.CredentialPairs,
            DataKey = encrypted.DataKey,
            CipherVersion = encrypted.CipherVersion,
            Metadata = metadata,
            Documentation = documentation,
            Tags = tags,
            LastRotationDate = now,
        };
        await store.WriteRevisionAsync(item, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.Create, AclResources.Credential, id, 1);
        return reader.View(item, pairs);
    }

    public async Task<Credential> UpdateAsync(
        ConfidantPrincipal caller,
        string id,
        CredentialInput input,
        CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Update, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name}does not have access to update credential {id}", id);
        }

        CredentialPairs? finalPairs = null;
        var written = await writer.WriteAsync(input.ExpectedRevision, async ct =>
        {
            var current = await reader.LoadCurrentAsync(id, ct);
            var metadata = input.Metadata is { } m ? CredentialRules.ValidMetadata(m) : current.Metadata;
            var name = input.Name is null ? current.Name : CredentialRules.ValidName(input.Name);
            if (!string.Equals(name, current.Name, StringComparison.Ordinal))
            {
                await EnsureNameIsFreeAsync(name, id, ct);
            }

            var documentation = input.Documentation is null ? current.Documentation : CredentialRules.ValidDocumentation(input.Documentation);
            if (string.IsNullOrEmpty(documentation) && Options.EnforceDocumentation && !input.BypassDocumentationRequirement)
            {
                throw ConfidantException.BadRequest(ErrorMessages.DocumentationRequired);
            }

            var storedPairs = await cipher.DecryptAsync(current, ct);
            var encrypted = (Pairs: current.CredentialPairs, DataKey: current.DataKey, Version: current.CipherVersion);
            var rotated = current.LastRotationDate;
            var now = RevisionWriter.Now(time);
            finalPairs = storedPairs;

            // Spec §13.10: the original failed without credential_pairs; we keep the stored pairs instead.
            if (input.Pairs is not null)
            {
                if (input.Pairs.Count == 0)
                {
                    throw ConfidantException.BadRequest(ErrorMessages.CredentialPairsEmpty);
                }

                var pairs = CredentialRules.ValidPairs(input.Pairs);
                await conflicts.EnsureNoConflictsForResourceAsync(id, pairs.Keys, ct);
                if (!pairs.Equals(storedPairs))
                {
                    rotated = now;
                }

                var fresh = await cipher.EncryptAsync(id, pairs, ct);
                encrypted = (fresh.CredentialPairs, fresh.DataKey, fresh.CipherVersion);
                finalPairs = pairs;
            }

            return current with
            {
                Revision = current.Revision + 1,
                ModifiedDate = now,
                ModifiedBy = caller.Name,
                Name = name,
                Metadata = metadata,
                Documentation = documentation,
                Enabled = input.Enabled ?? current.Enabled,
                Tags = input.Tags is null ? current.Tags : CredentialRules.ValidTags(input.Tags),
                CredentialPairs = encrypted.Pairs,
                DataKey = encrypted.DataKey,
                CipherVersion = encrypted.Version,
                LastRotationDate = rotated,
                LastDecryptedDate = null,
            };
        }, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.Update, AclResources.Credential, id, written.Revision);
        return reader.View(written, finalPairs);
    }

    /// <summary>A revert writes a new revision that copies an old one, ciphertext included (spec §9.2).</summary>
    public async Task<Credential> RevertAsync(
        ConfidantPrincipal caller,
        string id,
        int toRevision,
        int? expectedRevision = null,
        CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Revert, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to revert credential {id}", id);
        }

        var written = await writer.WriteAsync(expectedRevision, async ct =>
        {
            var current = await reader.LoadCurrentAsync(id, ct);
            var target = await store.GetAsync(RevisionId.Of(id, toRevision), ct) switch
            {
                null => throw ConfidantException.NotFound($"Revision {toRevision} of credential {id} was not found.", id),
                CredentialItem { DataType: DataType.ArchiveCredential } c => c,
                _ => throw ConfidantException.BadRequest(ErrorMessages.NotACredential, id),
            };
            var targetPairs = await cipher.DecryptAsync(target, ct);
            if (await SameContentAsync(current, target, targetPairs, ct))
            {
                throw ConfidantException.BadRequest(ErrorMessages.NoDifferenceCredential, id);
            }

            CredentialRules.ValidPairs(targetPairs.ToList());
            await conflicts.EnsureNoConflictsForResourceAsync(id, targetPairs.Keys, ct);
            return target with
            {
                Id = id,
                DataType = DataType.Credential,
                Revision = current.Revision + 1,
                ModifiedDate = RevisionWriter.Now(time),
                ModifiedBy = caller.Name,
                LastDecryptedDate = null,
            };
        }, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.Revert, AclResources.Credential, id, written.Revision);
        return reader.View(written, null);
    }

    /// <summary>
    /// Moves a disabled, unmapped credential and all its revisions to the archive table (spec §4.2). Without
    /// <paramref name="force"/> only the preconditions are checked. Returns whether anything was moved.
    /// </summary>
    public async Task<bool> ArchiveAsync(ConfidantPrincipal caller, string id, bool force, CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Archive, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to archive credential {id}", id);
        }

        var current = await reader.LoadCurrentAsync(id, cancellationToken);
        if (current.Enabled)
        {
            throw ConfidantException.BadRequest(ErrorMessages.CredentialStillEnabled, id);
        }

        var services = await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken);
        if (services.Items.OfType<ServiceItem>().Any(s => s.Credentials.Contains(id)))
        {
            throw ConfidantException.BadRequest(ErrorMessages.CredentialHasMappedServices, id);
        }

        if (!force)
        {
            return false;
        }

        await store.ArchiveAsync(id, RevisionWriter.Now(time), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.Archive, AclResources.Credential, id, current.Revision);
        return true;
    }

    private async Task<bool> SameContentAsync(CredentialItem current, CredentialItem target, CredentialPairs targetPairs, CancellationToken ct)
    {
        if (!string.Equals(current.Name, target.Name, StringComparison.Ordinal)
            || current.Enabled != target.Enabled
            || !string.Equals(current.Documentation, target.Documentation, StringComparison.Ordinal)
            || !current.Tags.ToHashSet(StringComparer.Ordinal).SetEquals(target.Tags)
            || !RevisionDiff.SameJson(current.Metadata, target.Metadata))
        {
            return false;
        }

        return (await cipher.DecryptAsync(current, ct)).Equals(targetPairs);
    }

    private async Task EnsureNameIsFreeAsync(string name, string? exceptId, CancellationToken ct)
    {
        var holder = (await store.FindIdsByNameAsync(DataType.Credential, name, ct))
            .FirstOrDefault(existing => !string.Equals(existing, exceptId, StringComparison.Ordinal));
        if (holder is not null)
        {
            throw ConfidantException.Conflict(ErrorMessages.NameAlreadyExists(holder), holder);
        }
    }
}
