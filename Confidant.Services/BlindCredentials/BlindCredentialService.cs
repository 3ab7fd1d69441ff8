using System.Security.Cryptography;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Events;
using Confidant.Services.Exposure;
using Confidant.Services.Maintenance;
using Confidant.Services.Revisions;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.BlindCredentials;

/// <summary>
/// Blind credentials (spec §4.4): stored verbatim, never decrypted here. The original had no ACL on them at all
/// (spec §13.7); ours checks the <c>blind_credential</c> resource like any other.
/// </summary>
public sealed class BlindCredentialService(
    IConfidantStore store,
    RevisionWriter writer,
    CredentialConflictDetector conflicts,
    IAclPolicy acl,
    MaintenanceMode maintenance,
    RevisionReverter reverter,
    IOptions<CredentialOptions> options,
    AuditRecorder audit,
    ExposureRules exposure,
    ChangeEvents events,
    TimeProvider time)
{
    /// <summary>
    /// One blind credential. People read current items and revision records alike (spec §4.4). A workload the ACL
    /// does not allow reads it through its own service mapping: see <see cref="GetMappedAsync"/>.
    /// </summary>
    public async Task<BlindCredentialItem> GetAsync(ConfidantPrincipal caller, string id, CancellationToken cancellationToken = default)
    {
        // The pairs are ciphertext only the client can open, but they are still handed out: a recorded delivery.
        var entry = AuditEntry.For(caller, AuditActions.BlindRead, AclResources.BlindCredential, id);
        if (caller.IsService && !acl.IsAllowed(caller, AclResources.BlindCredential, AclActions.Get, id))
        {
            var (mapped, via) = await GetMappedAsync(caller, id, entry, cancellationToken);
            await audit.DeliveredAsync(entry with { Revision = mapped.Revision, Via = via }, cancellationToken);
            return mapped;
        }

        if (!acl.IsAllowed(caller, AclResources.BlindCredential, AclActions.Get, id))
        {
            throw await audit.DeniedAsync(entry, Refused(caller, AclActions.Get, id));
        }

        var item = await audit.GuardAsync(entry, () => store.GetAsync(id, cancellationToken)) as BlindCredentialItem
            ?? throw ConfidantException.NotFound(ErrorMessages.BlindCredentialNotFound, id);
        await audit.DeliveredAsync(entry with { Revision = item.Revision }, cancellationToken);
        return item;
    }

    /// <summary>
    /// One blind credential for a page that shows what it is but never its pairs: the ACL of a read, no delivery
    /// (nothing to record), and the ciphertext of the pairs left out.
    /// </summary>
    public async Task<BlindCredentialItem> GetMetadataAsync(ConfidantPrincipal caller, string id, CancellationToken cancellationToken = default)
    {
        Require(caller, AclActions.Get, id);
        var item = await store.GetAsync(id, cancellationToken) as BlindCredentialItem
            ?? throw ConfidantException.NotFound(ErrorMessages.BlindCredentialNotFound, id);
        return item with { CredentialPairs = "{}" };
    }

    /// <summary>
    /// A workload reads the blind credentials its service maps, as confidant-client's get_blind_credential does
    /// after get_service (spec §5; the original had no ACL on blind credentials at all, spec §3.2). The decision is
    /// the one that serves the service itself, acl(service, get, own name), plus the mapping and account scope, and
    /// only the current item is served: a revision record of a mapped credential is another id.
    /// </summary>
    private async Task<(BlindCredentialItem Item, string Via)> GetMappedAsync(
        ConfidantPrincipal caller, string id, AuditEntry entry, CancellationToken cancellationToken)
    {
        var service = acl.IsAllowed(caller, AclResources.Service, AclActions.Get, caller.Name)
            ? await store.GetAsync(caller.Name, cancellationToken) as ServiceItem
            : null;
        if (service is not { DataType: DataType.Service } || !service.BlindCredentials.Contains(id, StringComparer.Ordinal))
        {
            throw await audit.DeniedAsync(entry, Refused(caller, AclActions.Get, id));
        }

        return await audit.GuardAsync(entry with { Via = service.Id }, async () =>
        {
            WorkloadScope.EnsureAccount(caller, service);
            if (await store.GetAsync(id, cancellationToken) is not BlindCredentialItem { DataType: DataType.BlindCredential } item
                || !WorkloadScope.IsServed(caller, item))
            {
                throw ConfidantException.NotFound(ErrorMessages.BlindCredentialNotFound, id);
            }

            return (item, service.Id);
        });
    }

    public async Task<IReadOnlyList<BlindCredentialItem>> ListAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        Require(caller, AclActions.List, null);
        return (await store.QueryAsync(DataType.BlindCredential, PageRequest.All, cancellationToken)).Items.OfType<BlindCredentialItem>().ToList();
    }

    public async Task<Page<BlindCredentialItem>> ListHistoryAsync(
        ConfidantPrincipal caller,
        int? limit = null,
        string? page = null,
        CancellationToken cancellationToken = default)
    {
        Require(caller, AclActions.List, null);
        var result = await store.QueryAsync(DataType.ArchiveBlindCredential, new PageRequest(limit, Descending: true, page), cancellationToken);
        return new Page<BlindCredentialItem>(result.Items.OfType<BlindCredentialItem>().ToList(), result.NextToken);
    }

    /// <summary>Every revision, newest first (spec §4.4; the original returned copies of the current item).</summary>
    public async Task<IReadOnlyList<BlindCredentialItem>> ListRevisionsAsync(ConfidantPrincipal caller, string id, CancellationToken cancellationToken = default)
    {
        Require(caller, AclActions.Metadata, id);
        var current = await LoadCurrentAsync(id, cancellationToken);
        var ids = Enumerable.Range(1, current.Revision).Select(n => RevisionId.Of(id, n));
        return (await store.GetManyAsync(ids, cancellationToken)).OfType<BlindCredentialItem>().OrderByDescending(b => b.Revision).ToList();
    }

    public async Task<BlindCredentialItem> CreateAsync(ConfidantPrincipal caller, BlindCredentialInput input, CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        await RequireWriteAsync(caller, AclActions.Create, AuditActions.Create, null);
        if (options.Value.EnforceDocumentation && string.IsNullOrEmpty(input.Documentation))
        {
            throw ConfidantException.BadRequest(ErrorMessages.DocumentationRequired);
        }

        var name = CredentialRules.ValidName(input.Name);
        var item = new BlindCredentialItem
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            DataType = DataType.BlindCredential,
            Revision = 1,
            Enabled = input.Enabled ?? true,
            ModifiedDate = RevisionWriter.Now(time),
            ModifiedBy = caller.Name,
            Name = name,
            CredentialPairs = RegionMap(input.CredentialPairs, "credential_pairs"),
            DataKey = RegionMap(input.DataKey, "data_key"),
            CipherType = ValidCipherType(input.CipherType),
            CipherVersion = ValidCipherVersion(input.CipherVersion),
            CredentialKeys = ValidKeys(input.CredentialKeys ?? []),
            Metadata = input.Metadata is { } m ? CredentialRules.ValidMetadata(m) : "{}",
            Documentation = CredentialRules.ValidDocumentation(input.Documentation),
        };
        var holders = await store.FindIdsByNameAsync(DataType.BlindCredential, name, cancellationToken);
        var holder = holders.Count > 0 ? holders[0] : null;
        if (holder is not null)
        {
            throw ConfidantException.Conflict(ErrorMessages.NameAlreadyExists(holder), holder);
        }

        await store.WriteRevisionAsync(item, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Create, AclResources.BlindCredential, item.Id, 1));
        return item;
    }

    public async Task<BlindCredentialItem> UpdateAsync(
        ConfidantPrincipal caller,
        string id,
        BlindCredentialInput input,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        await RequireWriteAsync(caller, AclActions.Update, AuditActions.Update, id);
        var written = await writer.WriteAsync(input.ExpectedRevision, async ct =>
        {
            var current = await LoadCurrentAsync(id, ct);
            var next = current with
            {
                Revision = current.Revision + 1,
                ModifiedDate = RevisionWriter.Now(time),
                ModifiedBy = caller.Name,
                Name = input.Name is null ? current.Name : CredentialRules.ValidName(input.Name),
                Enabled = input.Enabled ?? current.Enabled,
                Metadata = input.Metadata is { } m ? CredentialRules.ValidMetadata(m) : current.Metadata,
                Documentation = input.Documentation is null ? current.Documentation : CredentialRules.ValidDocumentation(input.Documentation),
            };
            if (string.IsNullOrEmpty(next.Documentation) && options.Value.EnforceDocumentation && !input.BypassDocumentationRequirement)
            {
                throw ConfidantException.BadRequest(ErrorMessages.DocumentationRequired);
            }

            if (input.CredentialPairs is { } pairs)
            {
                var keys = ValidKeys(input.CredentialKeys ?? []);
                await conflicts.EnsureNoConflictsForResourceAsync(id, keys, ct);
                next = next with
                {
                    CredentialPairs = RegionMap(pairs, "credential_pairs"),
                    DataKey = RegionMap(input.DataKey ?? throw ConfidantException.BadRequest("data_key required when updating credential_pairs."), "data_key"),
                    CipherType = ValidCipherType(input.CipherType ?? throw ConfidantException.BadRequest("cipher_type required when updating credential_pairs.")),
                    CipherVersion = ValidCipherVersion(input.CipherVersion ?? throw ConfidantException.BadRequest("cipher_version required when updating credential_pairs.")),
                    CredentialKeys = keys,
                };
                await exposure.EnsureNoExposedCiphertextAsync(current, next, ct);
            }

            return next;
        }, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Update, AclResources.BlindCredential, id, written.Revision));
        await events.BlindCredentialUpdatedAsync(caller, id);
        await exposure.ReviewAfterWriteAsync(caller, written, cancellationToken);
        return written;
    }

    public async Task<BlindCredentialItem> RevertAsync(
        ConfidantPrincipal caller,
        string id,
        int toRevision,
        int? expectedRevision = null,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        await RequireWriteAsync(caller, AclActions.Revert, AuditActions.Revert, id);
        var written = await reverter.RevertAsync(caller, id, toRevision, expectedRevision, new RevertSteps<BlindCredentialItem>(
            AclResources.BlindCredential,
            ErrorMessages.BlindCredentialNotFound,
            ErrorMessages.NotAnArchiveBlindCredential,
            ct => LoadCurrentAsync(id, ct),
            async (current, target, ct) =>
            {
                if (SameContent(current, target))
                {
                    throw ConfidantException.BadRequest(ErrorMessages.NoDifferenceBlindCredential, id);
                }

                await exposure.EnsureRevertAllowedAsync(AclResources.BlindCredential, id, toRevision, ct);
                await exposure.EnsureNoExposedCiphertextAsync(current, target, ct);
                if (target.CredentialKeys.Count > 0)
                {
                    await conflicts.EnsureNoConflictsForResourceAsync(id, target.CredentialKeys, ct);
                }

                return target;
            }), cancellationToken);
        await events.BlindCredentialUpdatedAsync(caller, id);
        await exposure.ReviewAfterWriteAsync(caller, written, cancellationToken);
        return written;
    }

    private static bool SameContent(BlindCredentialItem a, BlindCredentialItem b) =>
        string.Equals(a.Name, b.Name, StringComparison.Ordinal)
        && RevisionDiff.SameJson(a.CredentialPairs, b.CredentialPairs)
        && a.CredentialKeys.ToHashSet(StringComparer.Ordinal).SetEquals(b.CredentialKeys)
        && a.Enabled == b.Enabled
        && RevisionDiff.SameJson(a.DataKey, b.DataKey)
        && a.CipherVersion == b.CipherVersion
        && string.Equals(a.CipherType, b.CipherType, StringComparison.Ordinal)
        && RevisionDiff.SameJson(a.Metadata, b.Metadata)
        && string.Equals(a.Documentation, b.Documentation, StringComparison.Ordinal);

    private async Task<BlindCredentialItem> LoadCurrentAsync(string id, CancellationToken ct) => await store.GetAsync(id, ct) switch
    {
        null => throw ConfidantException.NotFound(ErrorMessages.BlindCredentialNotFound, id),
        BlindCredentialItem { DataType: DataType.BlindCredential } b => b,
        _ => throw ConfidantException.BadRequest(ErrorMessages.NotABlindCredential, id),
    };

    private static string RegionMap(JsonElement? value, string field)
    {
        if (value is not { ValueKind: JsonValueKind.Object } map)
        {
            throw ConfidantException.BadRequest(field == "data_key"
                ? ErrorMessages.DataKeyMustBeDict
                : $"{field} must be a dict with a region/ciphertext mapping.");
        }

        if (!map.EnumerateObject().Any() || map.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw ConfidantException.BadRequest($"{field} must map at least one region to a string.");
        }

        return PythonJson.Serialize(map);
    }

    private static string ValidCipherType(string? cipherType) =>
        string.IsNullOrWhiteSpace(cipherType) || cipherType.Length > 64
            ? throw ConfidantException.BadRequest("cipher_type must be a non-empty string of at most 64 characters.")
            : cipherType;

    private static int ValidCipherVersion(int? version) =>
        version is > 0 ? version.Value : throw ConfidantException.BadRequest("cipher_version must be a positive integer.");

    private static List<string> ValidKeys(IReadOnlyList<string> keys)
    {
        if (keys.Count > CredentialRules.MaxPairs || keys.Any(k => k.Length is 0 or > CredentialRules.MaxKeyLength || k.Any(char.IsWhiteSpace)))
        {
            throw ConfidantException.BadRequest(
                $"credential_keys must hold at most {CredentialRules.MaxPairs} keys of 1 to {CredentialRules.MaxKeyLength} characters without whitespace.");
        }

        return keys.Distinct(StringComparer.Ordinal).ToList();
    }

    private void Require(ConfidantPrincipal caller, string action, string? id)
    {
        if (!acl.IsAllowed(caller, AclResources.BlindCredential, action, id))
        {
            throw Refused(caller, action, id);
        }
    }

    /// <summary>As <see cref="Require"/> for a change, whose refusal is recorded.</summary>
    private async Task RequireWriteAsync(ConfidantPrincipal caller, string action, string auditAction, string? id)
    {
        if (!acl.IsAllowed(caller, AclResources.BlindCredential, action, id))
        {
            throw await audit.DeniedAsync(AuditEntry.For(caller, auditAction, AclResources.BlindCredential, id ?? string.Empty), Refused(caller, action, id));
        }
    }

    private static ConfidantException Refused(ConfidantPrincipal caller, string action, string? id) =>
        ConfidantException.Forbidden($"{caller.Name} does not have access to {action} blind credential {id}".TrimEnd(), id);
}
