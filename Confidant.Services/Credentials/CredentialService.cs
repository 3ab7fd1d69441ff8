using System.Security.Cryptography;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Events;
using Confidant.Services.Exposure;
using Confidant.Services.Maintenance;
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
    MaintenanceMode maintenance,
    RevisionReverter reverter,
    IOptions<CredentialOptions> options,
    AuditRecorder audit,
    ValueFingerprinter fingerprinter,
    ExposureRules exposure,
    ChangeEvents events,
    TimeProvider time)
{
    private CredentialOptions Options => options.Value;

    public async Task<Credential> CreateAsync(ConfidantPrincipal caller, CredentialInput input, CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Create))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Create, AclResources.Credential, string.Empty),
                ConfidantException.Forbidden($"{caller.Name}does not have access to create credentials"));
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
        var fingerprints = await fingerprinter.ComputeAsync(pairs, cancellationToken);
        await exposure.EnsureNoExposedValuesAsync(null, fingerprints, cancellationToken);

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
            Fingerprints = fingerprints,
        };
        await store.WriteRevisionAsync(item, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Create, AclResources.Credential, id, 1));

        // The answer carries the values written (spec §4.2): a delivery like any other, withheld when unrecorded.
        var echoed = await audit.EchoAsync(AuditEntry.For(caller, AuditActions.UpdateEcho, AclResources.Credential, id, 1), cancellationToken);
        return reader.View(item, pairs, reveal: echoed);
    }

    public async Task<Credential> UpdateAsync(
        ConfidantPrincipal caller,
        string id,
        CredentialInput input,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Update, id))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Update, AclResources.Credential, id),
                ConfidantException.Forbidden($"{caller.Name}does not have access to update credential {id}", id));
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
            var fingerprints = current.Fingerprints;

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

                fingerprints = await fingerprinter.ComputeAsync(pairs, ct);
                await exposure.EnsureNoExposedValuesAsync(current, fingerprints, ct);
                var fresh = await cipher.EncryptAsync(id, pairs, ct);
                encrypted = (fresh.CredentialPairs, fresh.DataKey, fresh.CipherVersion);
                finalPairs = pairs;
            }

            // The same values as before (metadata changed): the revision they came from may predate fingerprints.
            fingerprints ??= await fingerprinter.ComputeAsync(storedPairs, ct);

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
                Fingerprints = fingerprints,
            };
        }, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Update, AclResources.Credential, id, written.Revision));
        await events.CredentialUpdatedAsync(caller, id);
        await exposure.ReviewAfterWriteAsync(caller, written, cancellationToken);

        // Values go back only when the caller sent them (a read for an ACL that allows update but not get otherwise),
        // and then as a recorded delivery. The revision is written either way; only the echo waits for the record.
        var echoed = input.Pairs is not null
            && await audit.EchoAsync(AuditEntry.For(caller, AuditActions.UpdateEcho, AclResources.Credential, id, written.Revision), cancellationToken);
        return reader.View(written, finalPairs, reveal: echoed);
    }

    /// <summary>A revert writes a new revision that copies an old one, ciphertext included (spec §9.2).</summary>
    public async Task<Credential> RevertAsync(
        ConfidantPrincipal caller,
        string id,
        int toRevision,
        int? expectedRevision = null,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Revert, id))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Revert, AclResources.Credential, id),
                ConfidantException.Forbidden($"{caller.Name} does not have access to revert credential {id}", id));
        }

        var written = await reverter.RevertAsync(caller, id, toRevision, expectedRevision, new RevertSteps<CredentialItem>(
            AclResources.Credential,
            $"Revision {toRevision} of credential {id} was not found.",
            ErrorMessages.NotACredential,
            ct => reader.LoadCurrentAsync(id, ct),
            async (current, target, ct) =>
            {
                var targetPairs = await cipher.DecryptAsync(target, ct);
                if (await SameContentAsync(current, target, targetPairs, ct))
                {
                    throw ConfidantException.BadRequest(ErrorMessages.NoDifferenceCredential, id);
                }

                CredentialRules.ValidPairs(targetPairs.ToList());
                await exposure.EnsureRevertAllowedAsync(AclResources.Credential, id, toRevision, ct);
                var fingerprints = target.Fingerprints ?? await fingerprinter.ComputeAsync(targetPairs, ct);
                await exposure.EnsureNoExposedValuesAsync(current, fingerprints, ct);
                await conflicts.EnsureNoConflictsForResourceAsync(id, targetPairs.Keys, ct);
                return target with { LastDecryptedDate = null, Fingerprints = fingerprints };
            }), cancellationToken);
        await events.CredentialUpdatedAsync(caller, id);
        await exposure.ReviewAfterWriteAsync(caller, written, cancellationToken);
        return reader.View(written, null);
    }

    /// <summary>
    /// Moves a disabled, unmapped credential and all its revisions to the archive table (spec §4.2). Without
    /// <paramref name="force"/> only the preconditions are checked. Returns whether anything was moved.
    /// </summary>
    public async Task<bool> ArchiveAsync(ConfidantPrincipal caller, string id, bool force, CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Archive, id))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Archive, AclResources.Credential, id),
                ConfidantException.Forbidden($"{caller.Name} does not have access to archive credential {id}", id));
        }

        var current = await reader.LoadCurrentAsync(id, cancellationToken);
        if (current.Enabled)
        {
            throw ConfidantException.BadRequest(ErrorMessages.CredentialStillEnabled, id);
        }

        if (await IsMappedAsync(id, cancellationToken))
        {
            throw ConfidantException.BadRequest(ErrorMessages.CredentialHasMappedServices, id);
        }

        if (!force)
        {
            return false;
        }

        // There are no transactions across items, so "disabled and unmapped" cannot be checked and acted on at once.
        // The move is conditional on the revision checked above (a concurrent update makes it fail whole), and a
        // mapping written meanwhile is looked for again afterwards and undoes the move. The mapping side looks for
        // this credential again after its own write, so of an archive and a mapping that cross, at least one sees
        // the other.
        await store.ArchiveAsync(id, current.Revision, RevisionWriter.Now(time), cancellationToken);
        if (await IsMappedAsync(id, cancellationToken))
        {
            await store.RestoreAsync(id, cancellationToken);
            throw ConfidantException.BadRequest(ErrorMessages.CredentialHasMappedServices, id);
        }

        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Archive, AclResources.Credential, id, current.Revision));
        return true;
    }

    /// <summary>
    /// Brings an archived credential back with all its revisions, as the original's restore_credentials admin
    /// command (spec §9.3); items still in the primary table are kept. Mends an archive that stopped half-way too.
    /// </summary>
    public async Task<Credential> RestoreAsync(ConfidantPrincipal caller, string id, CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Archive, id))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Restore, AclResources.Credential, id),
                ConfidantException.Forbidden($"{caller.Name} does not have access to restore credential {id}", id));
        }

        if (!await store.RestoreAsync(id, cancellationToken))
        {
            throw ConfidantException.NotFound(ErrorMessages.CredentialNotFound, id);
        }

        var restored = await reader.LoadCurrentAsync(id, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Restore, AclResources.Credential, id, restored.Revision));
        return reader.View(restored, null);
    }

    /// <summary>
    /// Whether a current service maps the credential. The index lists the services; their items are then read
    /// consistently, because the index may lag behind a mapping just written.
    /// </summary>
    private async Task<bool> IsMappedAsync(string id, CancellationToken cancellationToken)
    {
        var listed = await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken);
        var services = await store.GetManyAsync(listed.Items.Select(s => s.Id), cancellationToken);
        return services.OfType<ServiceItem>().Any(s => s.DataType == DataType.Service && s.Credentials.Contains(id, StringComparer.Ordinal));
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
