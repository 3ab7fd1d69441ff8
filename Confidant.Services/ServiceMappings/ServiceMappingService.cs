using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Events;
using Confidant.Services.KmsAuth;
using Confidant.Services.Maintenance;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Confidant.Services.Telemetry;
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
    MaintenanceMode maintenance,
    RevisionReverter reverter,
    IOptions<KmsAuthOptions> kmsAuth,
    KmsGrantService grants,
    AuditRecorder audit,
    ServiceResponseCache responses,
    ChangeEvents events,
    ILogger<ServiceMappingService> logger,
    ConfidantMetrics metrics,
    TimeProvider time)
{
    public const int MaxIdLength = 512;

    /// <summary>
    /// A service with its credentials. Pairs are decrypted unless <paramref name="metadataOnly"/>; disabled
    /// credentials are not served to a workload (spec §13.9 recommends it). A read with values is one recorded
    /// delivery listing the credentials and blind credentials it hands out.
    /// </summary>
    public async Task<ServiceMapping> GetAsync(
        ConfidantPrincipal caller,
        string id,
        bool metadataOnly = false,
        CancellationToken cancellationToken = default)
    {
        var entry = AuditEntry.For(caller, AuditActions.ServiceRead, AclResources.Service, id) with { Via = id };
        return await MeasureFetchAsync(metadataOnly, async _ =>
        {
            await RequireGetAsync(caller, id, metadataOnly, entry);
            return await LoadAsync(caller, id, metadataOnly, entry, cancellationToken);
        });
    }

    /// <summary>
    /// The answer to a workload's poll of its service, as <paramref name="render"/> writes it: served for a few
    /// seconds from memory (<see cref="ServiceResponseCache"/>), and recorded on every call, from memory or not,
    /// before it is returned.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(
        ConfidantPrincipal caller,
        string id,
        bool metadataOnly,
        Func<ServiceMapping, ReadOnlyMemory<byte>> render,
        CancellationToken cancellationToken = default)
    {
        var entry = AuditEntry.For(caller, AuditActions.ServiceRead, AclResources.Service, id) with { Via = id };
        return await MeasureFetchAsync(metadataOnly, async span =>
        {
            await RequireGetAsync(caller, id, metadataOnly, entry);
            var hit = responses.TryGet(caller, id, metadataOnly, out var cached, out var delivered);
            span?.SetTag("confidant.cache_hit", hit);
            if (hit)
            {
                if (!metadataOnly)
                {
                    await audit.DeliveredAsync(entry with { Items = delivered }, cancellationToken);
                }

                return cached;
            }

            var generation = responses.Generation;
            var mapping = await LoadAsync(caller, id, metadataOnly, entry, cancellationToken);
            ReadOnlyMemory<byte> body;
            using (ConfidantTracing.Source.StartActivity("build_response"))
            {
                body = render(mapping);
            }

            responses.Set(caller, id, metadataOnly, generation, body, Delivered(mapping));
            return body;
        });
    }

    /// <summary>
    /// spec §9.10: the original timed <c>get_service_by_id</c> and its steps; here they are one span with a child
    /// per step, and one histogram by outcome. A read answered from memory is timed too: it is still a fetch a
    /// workload waited for, and it is recorded like one.
    /// </summary>
    private async Task<T> MeasureFetchAsync<T>(bool metadataOnly, Func<System.Diagnostics.Activity?, Task<T>> fetch)
    {
        using var span = ConfidantTracing.Source.StartActivity("get_service_by_id");
        span?.SetTag("confidant.metadata_only", metadataOnly);
        var started = time.GetTimestamp();
        var outcome = "failed";
        try
        {
            var result = await fetch(span);
            outcome = "ok";
            return result;
        }
        catch (ConfidantException error)
        {
            outcome = error.Kind.ToString();
            throw;
        }
        finally
        {
            metrics.ServiceFetched(outcome, time.GetElapsedTime(started));
        }
    }

    private async Task RequireGetAsync(ConfidantPrincipal caller, string id, bool metadataOnly, AuditEntry entry)
    {
        bool allowed;
        using (ConfidantTracing.Source.StartActivity("acl_check_get_service"))
        {
            allowed = acl.IsAllowed(caller, AclResources.Service, metadataOnly ? AclActions.Metadata : AclActions.Get, id);
        }

        if (!allowed)
        {
            var refusal = ConfidantException.Forbidden($"{caller.Name} does not have access to get service {id}", id);
            throw metadataOnly ? refusal : await audit.DeniedAsync(entry, refusal);
        }
    }

    private async Task<ServiceMapping> LoadAsync(ConfidantPrincipal caller, string id, bool metadataOnly, AuditEntry entry, CancellationToken cancellationToken)
    {
        if (metadataOnly)
        {
            return await ExpandServiceAsync(caller, id, metadataOnly, cancellationToken);
        }

        var mapping = await audit.GuardAsync(entry, () => ExpandServiceAsync(caller, id, metadataOnly, cancellationToken));

        // Every decrypt is on record with who asked for it, before the values leave.
        await audit.DeliveredAsync(entry with { Items = Delivered(mapping) }, cancellationToken);
        return mapping;
    }

    private async Task<ServiceMapping> ExpandServiceAsync(ConfidantPrincipal caller, string id, bool metadataOnly, CancellationToken cancellationToken)
    {
        // Only the current item (deviation from spec §4.5, §13.17): revision records share the id space
        // ("payments-3" is revision 3 of "payments") and the ACL keys on the id, so a workload named like another
        // service's revision would otherwise read that service's credentials.
        StoredItem? stored;
        using (ConfidantTracing.Source.StartActivity("db_get_service"))
        {
            stored = await store.GetAsync(id, cancellationToken);
        }

        if (stored is not ServiceItem { DataType: DataType.Service } service)
        {
            throw ConfidantException.NotFound(ErrorMessages.ServiceNotFound, id);
        }

        WorkloadScope.EnsureAccount(caller, service);
        using (ConfidantTracing.Source.StartActivity("db_get_credentials"))
        {
            return await ExpandAsync(service, includePairs: !metadataOnly, servedToWorkload: caller.IsService, cancellationToken);
        }
    }

    /// <summary>What a read with values hands out: each credential and blind credential at its revision.</summary>
    private static List<AuditItem> Delivered(ServiceMapping mapping)
    {
        var items = new List<AuditItem>(mapping.Credentials.Count + mapping.BlindCredentials.Count);
        items.AddRange(mapping.Credentials.Select(c => new AuditItem(AclResources.Credential, c.Item.Id, c.Item.Revision)));
        items.AddRange(mapping.BlindCredentials.Select(b => new AuditItem(AclResources.BlindCredential, b.Id, b.Revision)));
        return items;
    }

    /// <summary>Creates a service (revision 1) or writes its next revision.</summary>
    public async Task<ServiceMapping> PutAsync(
        ConfidantPrincipal caller,
        string id,
        ServiceMappingInput input,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
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
                throw await audit.DeniedAsync(
                    AuditEntry.For(caller, AuditActions.Create, AclResources.Service, id),
                    ConfidantException.Forbidden($"{caller.Name} does not have access to create service {id}", id));
            }

            var requested = (input.Credentials ?? current?.Credentials ?? []).Distinct(StringComparer.Ordinal).ToList();
            var blind = (input.BlindCredentials ?? current?.BlindCredentials ?? []).Distinct(StringComparer.Ordinal).ToList();
            var all = requested.Concat(blind).ToList();
            var previously = (current?.Credentials ?? []).Concat(current?.BlindCredentials ?? []).ToHashSet(StringComparer.Ordinal);
            var arguments = new AclArguments(all, all.Where(c => !previously.Contains(c)).ToHashSet(StringComparer.Ordinal));
            if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Update, id, arguments))
            {
                throw await audit.DeniedAsync(
                    AuditEntry.For(caller, current is null ? AuditActions.Create : AuditActions.Update, AclResources.Service, id),
                    ConfidantException.Forbidden(
                        $"{caller.Name} does not have access to map the credentials because they do not own the credentials being added", id));
            }

            var existing = (await store.GetManyAsync(requested, ct)).Where(i => i.DataType == DataType.Credential).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            var mapped = requested.Where(existing.Contains).ToList();
            await conflicts.EnsureNoConflictsInMappingAsync(mapped, blind, ct);
            var account = string.IsNullOrEmpty(input.Account) ? (input.Account is null ? current?.Account : null) : input.Account;
            // spec §4.5: the valid accounts are the values of SCOPED_AUTH_KEYS.
            if (account is not null && !kmsAuth.Value.Accounts.Contains(account, StringComparer.Ordinal))
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
        await audit.SucceededAsync(AuditEntry.For(caller, written.Revision == 1 ? AuditActions.Create : AuditActions.Update, AclResources.Service, id, written.Revision));
        events.ServiceUpdated(caller, written);
        if (written.Revision == 1)
        {
            await EnsureGrantsAsync(id, cancellationToken);
        }

        written = await EnsureMappedCredentialsStillExistAsync(caller, written, cancellationToken);
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
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Revert, id))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Revert, AclResources.Service, id),
                ConfidantException.Forbidden($"{caller.Name} does not have access to revert service {id}", id));
        }

        var written = await reverter.RevertAsync(caller, id, toRevision, expectedRevision, new RevertSteps<ServiceItem>(
            AclResources.Service,
            ErrorMessages.ServiceNotFound,
            ErrorMessages.NotAService,
            ct => LoadCurrentAsync(id, ct),
            async (current, target, ct) =>
            {
                // Spec §4.5: credentials that no longer exist are dropped; then "no difference" is judged.
                var existing = (await store.GetManyAsync(target.Credentials, ct)).Where(i => i.DataType == DataType.Credential).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
                var mapped = target.Credentials.Where(existing.Contains).ToList();
                await conflicts.EnsureNoConflictsInMappingAsync(mapped, target.BlindCredentials, ct);
                if (mapped.ToHashSet(StringComparer.Ordinal).SetEquals(current.Credentials)
                    && target.BlindCredentials.ToHashSet(StringComparer.Ordinal).SetEquals(current.BlindCredentials)
                    && string.Equals(target.Account, current.Account, StringComparison.Ordinal))
                {
                    throw ConfidantException.BadRequest(ErrorMessages.NoDifferenceService, id);
                }

                return target with { Credentials = mapped };
            }), cancellationToken);
        events.ServiceUpdated(caller, written);
        written = await EnsureMappedCredentialsStillExistAsync(caller, written, cancellationToken);
        return await ExpandAsync(written, includePairs: false, servedToWorkload: false, cancellationToken);
    }

    /// <summary>
    /// Spec §4.5 drops credential ids that do not exist before a mapping is saved, but a credential may be archived
    /// after that check and before the write lands (there are no transactions across items). So the mapped
    /// credentials are read again after the write. When one is gone, the mapping is written once more without it
    /// and the caller is told so with a conflict; when by then it is back (the archive saw this mapping and undid
    /// itself), the write stands as it is. The archive looks for mappings again after its move, so of the two that
    /// cross, at least one sees the other and no mapping is reported saved for a credential that is gone.
    /// </summary>
    private async Task<ServiceItem> EnsureMappedCredentialsStillExistAsync(ConfidantPrincipal caller, ServiceItem written, CancellationToken cancellationToken)
    {
        if ((await MissingCredentialsAsync(written, cancellationToken)).Count == 0)
        {
            return written;
        }

        IReadOnlyList<string> dropped = [];
        try
        {
            var repaired = await writer.WriteAsync(null, async ct =>
            {
                var current = await LoadCurrentAsync(written.Id, ct);
                dropped = await MissingCredentialsAsync(current, ct);
                if (dropped.Count == 0)
                {
                    throw new NothingMissingException();
                }

                return current with
                {
                    Revision = current.Revision + 1,
                    ModifiedDate = RevisionWriter.Now(time),
                    ModifiedBy = caller.Name,
                    Credentials = current.Credentials.Except(dropped, StringComparer.Ordinal).ToList(),
                };
            }, cancellationToken);
            await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Update, AclResources.Service, written.Id, repaired.Revision));
            events.ServiceUpdated(caller, repaired);
        }
        catch (NothingMissingException)
        {
            return written;
        }

        throw ConfidantException.Conflict(
            $"Credential {string.Join(", ", dropped)} was archived while service {written.Id} was being saved; the service was saved without it.",
            written.Id);
    }

    private async Task<IReadOnlyList<string>> MissingCredentialsAsync(ServiceItem service, CancellationToken ct)
    {
        var present = (await store.GetManyAsync(service.Credentials, ct))
            .Where(i => i.DataType == DataType.Credential)
            .Select(i => i.Id)
            .ToHashSet(StringComparer.Ordinal);
        return service.Credentials.Where(id => !present.Contains(id)).ToList();
    }

    /// <summary>Ends a repair that finds nothing left to repair.</summary>
    private sealed class NothingMissingException : Exception;

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
