using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.ServiceMappings;

/// <summary>Service mappings: which credentials a workload may read (spec §4.5, §8).</summary>
public sealed partial class ServiceMappingService(
    IConfidantStore store,
    RevisionWriter writer,
    CredentialCipher cipher,
    CredentialReader credentials,
    CredentialConflictDetector conflicts,
    IAclPolicy acl,
    IOptions<ServiceMappingOptions> options,
    KmsGrantService grants,
    AuditLog audit,
    WriteAudit writeAudit,
    ILogger<ServiceMappingService> logger,
    TimeProvider time)
{
    public const int MaxIdLength = 512;

    /// <summary>
    /// A service with its credentials. Pairs are decrypted unless <paramref name="metadataOnly"/>; disabled
    /// credentials are not served to a workload (spec §13.9 recommends it).
    /// </summary>
    public async Task<ServiceMapping> GetAsync(
        ConfidantPrincipal caller,
        string id,
        bool metadataOnly = false,
        CancellationToken cancellationToken = default)
    {
        var action = metadataOnly ? AclActions.Metadata : AclActions.Get;
        if (!acl.IsAllowed(caller, AclResources.Service, action, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to get service {id}", id);
        }

        if (await store.GetAsync(id, cancellationToken) is not ServiceItem service)
        {
            throw ConfidantException.NotFound(ErrorMessages.ServiceNotFound, id);
        }

        if (caller.IsService && service.Account is not null && !string.Equals(service.Account, caller.Account, StringComparison.Ordinal))
        {
            throw new ConfidantException(ConfidantErrorKind.Unauthorized, "Authenticated user is not authorized.", id);
        }

        var mapping = await ExpandAsync(service, includePairs: !metadataOnly, servedToWorkload: caller.IsService, cancellationToken);
        if (!metadataOnly && mapping.Credentials.Count > 0)
        {
            // Every decrypt is on record with who asked for it, before the values leave.
            await audit.RecordManyAsync(
                caller,
                AuditActions.ServiceRead,
                AclResources.Credential,
                mapping.Credentials.Select(c => (c.Item.Id, (int?)c.Item.Revision)),
                via: id,
                cancellationToken);
        }

        return mapping;
    }

    /// <summary>Creates a service (revision 1) or writes its next revision.</summary>
    public async Task<ServiceMapping> PutAsync(
        ConfidantPrincipal caller,
        string id,
        ServiceMappingInput input,
        CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        var written = await writer.WriteAsync(input.ExpectedRevision, async ct =>
        {
            var current = await store.GetAsync(id, ct) switch
            {
                null => null,
                ServiceItem { DataType: DataType.Service } s => s,
                _ => throw ConfidantException.BadRequest(ErrorMessages.NotAService, id),
            };
            if (current is null && !acl.IsAllowed(caller, AclResources.Service, AclActions.Create, id))
            {
                throw ConfidantException.Forbidden($"{caller.Name} does not have access to create service {id}", id);
            }

            var requested = (input.Credentials ?? current?.Credentials ?? []).Distinct(StringComparer.Ordinal).ToList();
            var blind = (input.BlindCredentials ?? current?.BlindCredentials ?? []).Distinct(StringComparer.Ordinal).ToList();
            var all = requested.Concat(blind).ToList();
            var previously = (current?.Credentials ?? []).Concat(current?.BlindCredentials ?? []).ToHashSet(StringComparer.Ordinal);
            var arguments = new AclArguments(all, all.Where(c => !previously.Contains(c)).ToHashSet(StringComparer.Ordinal));
            if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Update, id, arguments))
            {
                throw ConfidantException.Forbidden(
                    $"{caller.Name} does not have access to map the credentials because they do not own the credentials being added", id);
            }

            var existing = (await store.GetManyAsync(requested, ct)).Where(i => i.DataType == DataType.Credential).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            var mapped = requested.Where(existing.Contains).ToList();
            await conflicts.EnsureNoConflictsInMappingAsync(mapped, blind, ct);
            var account = string.IsNullOrEmpty(input.Account) ? (input.Account is null ? current?.Account : null) : input.Account;
            if (account is not null && !options.Value.Accounts.Contains(account, StringComparer.Ordinal))
            {
                throw ConfidantException.BadRequest(ErrorMessages.InvalidAccount, id);
            }

            return new ServiceItem
            {
                Id = id,
                DataType = DataType.Service,
                Revision = (current?.Revision ?? 0) + 1,
                Enabled = input.Enabled ?? current?.Enabled ?? true,
                ModifiedDate = RevisionWriter.Now(time),
                ModifiedBy = caller.Name,
                Credentials = mapped,
                BlindCredentials = blind,
                Account = account,
            };
        }, cancellationToken);
        await writeAudit.RecordAsync(caller, written.Revision == 1 ? AuditActions.Create : AuditActions.Update, AclResources.Service, id, written.Revision);
        if (written.Revision == 1)
        {
            await EnsureGrantsAsync(id, cancellationToken);
        }

        return await ExpandAsync(written, includePairs: false, servedToWorkload: false, cancellationToken);
    }

    /// <summary>Spec §8.4: a new service gets its kmsauth grants; a failure is logged, not reported.</summary>
    private async Task EnsureGrantsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await grants.EnsureAsync(id, cancellationToken);
        }
        catch (Exception error) when (error is Kms.KeyServiceException or DependencyUnavailableException)
        {
            LogGrantFailure(logger, id, error is Kms.KeyServiceException keys ? keys.Error.ToString() : "key service unavailable");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ensure kmsauth grants for service {ServiceId}: {Error}")]
    private static partial void LogGrantFailure(ILogger logger, string serviceId, string error);

    public async Task<ServiceMapping> RevertAsync(
        ConfidantPrincipal caller,
        string id,
        int toRevision,
        int? expectedRevision = null,
        CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Revert, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to revert service {id}", id);
        }

        var written = await writer.WriteAsync(expectedRevision, async ct =>
        {
            var current = await LoadCurrentAsync(id, ct);
            var target = await LoadRevisionAsync(id, toRevision, ct);
            var existing = (await store.GetManyAsync(target.Credentials, ct)).Where(i => i.DataType == DataType.Credential).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            var mapped = target.Credentials.Where(existing.Contains).ToList();
            await conflicts.EnsureNoConflictsInMappingAsync(mapped, target.BlindCredentials, ct);
            if (mapped.ToHashSet(StringComparer.Ordinal).SetEquals(current.Credentials)
                && target.BlindCredentials.ToHashSet(StringComparer.Ordinal).SetEquals(current.BlindCredentials)
                && string.Equals(target.Account, current.Account, StringComparison.Ordinal))
            {
                throw ConfidantException.BadRequest(ErrorMessages.NoDifferenceService, id);
            }

            return target with
            {
                Id = id,
                DataType = DataType.Service,
                Revision = current.Revision + 1,
                ModifiedDate = RevisionWriter.Now(time),
                ModifiedBy = caller.Name,
                Credentials = mapped,
            };
        }, cancellationToken);
        await writeAudit.RecordAsync(caller, AuditActions.Revert, AclResources.Service, id, written.Revision);
        return await ExpandAsync(written, includePairs: false, servedToWorkload: false, cancellationToken);
    }

    private async Task<ServiceMapping> ExpandAsync(ServiceItem service, bool includePairs, bool servedToWorkload, CancellationToken ct)
    {
        var items = await store.GetManyAsync(service.Credentials.Concat(service.BlindCredentials), ct);
        var mapped = new List<Credential>();
        foreach (var credential in items.OfType<CredentialItem>().Where(c => c.DataType == DataType.Credential))
        {
            if (servedToWorkload && !credential.Enabled)
            {
                continue;
            }

            var pairs = await cipher.DecryptAsync(credential, ct);
            mapped.Add(credentials.View(credential, pairs, includePairs));
        }

        var blind = items.OfType<BlindCredentialItem>()
            .Where(b => b.DataType == DataType.BlindCredential && !(servedToWorkload && !b.Enabled))
            .ToList();
        return new ServiceMapping(service, mapped, blind);
    }

    private async Task<ServiceItem> LoadCurrentAsync(string id, CancellationToken ct) => await store.GetAsync(id, ct) switch
    {
        null => throw ConfidantException.NotFound(ErrorMessages.ServiceNotFound, id),
        ServiceItem { DataType: DataType.Service } s => s,
        _ => throw ConfidantException.BadRequest(ErrorMessages.NotAService, id),
    };

    private async Task<ServiceItem> LoadRevisionAsync(string id, int revision, CancellationToken ct) =>
        await store.GetAsync(RevisionId.Of(id, revision), ct) switch
        {
            null => throw ConfidantException.NotFound(ErrorMessages.ServiceNotFound, id),
            ServiceItem { DataType: DataType.ArchiveService } s => s,
            _ => throw ConfidantException.BadRequest(ErrorMessages.NotAService, id),
        };

    private static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength || id.Contains('/', StringComparison.Ordinal) || id.Any(char.IsControl))
        {
            throw ConfidantException.BadRequest($"service id must be 1 to {MaxIdLength} characters without '/' or control characters");
        }
    }

    private void RequireList(ConfidantPrincipal caller)
    {
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.List))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to list services");
        }
    }

    private void RequireMetadata(ConfidantPrincipal caller, string id, string message)
    {
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Metadata, id))
        {
            throw ConfidantException.Forbidden(message, id);
        }
    }
}
