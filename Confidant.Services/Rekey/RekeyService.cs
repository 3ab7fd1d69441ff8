using System.Security.Cryptography;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.Maintenance;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Rekey;

/// <summary>
/// The re-encryption job as people and commands see it, behind the ACL (<c>rekey</c>: admins): its state, and queueing,
/// pausing and resuming it. The work itself is done by a worker (<see cref="RekeyRunner"/>).
/// </summary>
public sealed class RekeyService(
    RekeyJobStore jobs,
    IConfidantStore store,
    IKeyService keys,
    IAclPolicy acl,
    AuditRecorder audit,
    MaintenanceMode maintenance,
    RekeySignal signal,
    IOptions<KmsOptions> kms,
    TimeProvider time)
{
    /// <summary>The most credentials one re-key job may name.</summary>
    public const int MaxSelection = 10_000;

    private const int MaxKeyIdLength = 2048;
    private const int SaveAttempts = 5;

    /// <summary>Whether <paramref name="caller"/> may see and steer the job (the page and its menu entry are shown then).</summary>
    public bool CanManage(ConfidantPrincipal caller) => acl.IsAllowed(caller, AclResources.Rekey, AclActions.Update);

    /// <summary>The job (the last one queued), or null when none ever was.</summary>
    public async Task<RekeyJob?> GetAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Rekey, AclActions.Get))
        {
            throw Forbidden(caller);
        }

        return await jobs.LoadAsync(cancellationToken);
    }

    /// <summary>
    /// Queues a job; a worker (the server's, or <c>rekey run</c>) picks it up. The target key is resolved now, so the job
    /// keeps to that key even if its alias moves. Refused while another job is queued, running or paused.
    /// </summary>
    public async Task<RekeyJob> StartAsync(ConfidantPrincipal caller, RekeyRequest request, CancellationToken cancellationToken = default)
    {
        await RequireAsync(caller, AuditActions.RekeyQueue);
        maintenance.EnsureWritable();
        var existing = await jobs.LoadAsync(cancellationToken);
        if (existing is { Status: RekeyStatus.Queued or RekeyStatus.Running or RekeyStatus.Paused })
        {
            throw ConfidantException.Conflict(
                $"Rekey job {existing.Id} is {RekeyStatuses.ToWire(existing.Status)}: resume it, or pause it and wait for it to end, before starting another.",
                existing.Id);
        }

        var selection = await SelectionAsync(request, cancellationToken);
        var targetKey = string.IsNullOrWhiteSpace(request.TargetKey) ? kms.Value.MasterKeyId : request.TargetKey.Trim();
        var target = await TargetAsync(targetKey, cancellationToken);
        var now = RevisionWriter.Now(time);
        var job = new RekeyJob
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Mode = request.Mode,
            Status = RekeyStatus.Queued,
            TargetKey = targetKey,
            TargetKeyArn = target.Arn,
            Selection = selection,
            QueuedBy = caller.Name,
            QueuedAt = now,
            Revision = existing?.Revision ?? 0,
        };
        try
        {
            job = await jobs.SaveAsync(job, now, caller.Name, cancellationToken);
        }
        catch (RevisionConflictException)
        {
            throw ConfidantException.Conflict("Another rekey job was started at the same moment; look at its status.");
        }

        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.RekeyQueue, AclResources.Rekey, job.Id) with { Detail = RekeyRunner.Describe(job) });
        signal.Wake();
        return job;
    }

    /// <summary>Pauses a queued or running job: its worker stops after the batch at hand and lets it go.</summary>
    public Task<RekeyJob> PauseAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, AuditActions.RekeyPause, job => job.IsActive, "paused", job => job with { Status = RekeyStatus.Paused }, cancellationToken);

    /// <summary>Queues a paused or failed job again; a worker resumes it from its cursor.</summary>
    public async Task<RekeyJob> ResumeAsync(ConfidantPrincipal caller, CancellationToken cancellationToken = default)
    {
        var job = await ChangeAsync(
            caller,
            AuditActions.RekeyResume,
            job => job.Status is RekeyStatus.Paused or RekeyStatus.Failed,
            "resumed",
            job => job with { Status = RekeyStatus.Queued, Error = null, EndedAt = null },
            cancellationToken);
        signal.Wake();
        return job;
    }

    private async Task<RekeyJob> ChangeAsync(
        ConfidantPrincipal caller,
        string action,
        Func<RekeyJob, bool> allowed,
        string verb,
        Func<RekeyJob, RekeyJob> change,
        CancellationToken cancellationToken)
    {
        await RequireAsync(caller, action);
        for (var attempt = 0; ; attempt++)
        {
            var job = await jobs.LoadAsync(cancellationToken)
                ?? throw ConfidantException.NotFound("No rekey job has been queued.");
            if (!allowed(job))
            {
                throw ConfidantException.Conflict($"Rekey job {job.Id} is {RekeyStatuses.ToWire(job.Status)}; it cannot be {verb}.", job.Id);
            }

            try
            {
                // The worker's claim stays: it sees the change at its next save and lets the job go itself.
                var saved = await jobs.SaveAsync(change(job), time.GetUtcNow(), caller.Name, cancellationToken);
                await audit.SucceededAsync(AuditEntry.For(caller, action, AclResources.Rekey, saved.Id) with { Detail = RekeyRunner.Counts(saved) });
                return saved;
            }
            catch (RevisionConflictException) when (attempt < SaveAttempts)
            {
                // The worker saved a batch meanwhile: read it again and change that.
            }
        }
    }

    private async Task<IReadOnlyList<string>> SelectionAsync(RekeyRequest request, CancellationToken cancellationToken)
    {
        var ids = (request.Credentials ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        if (request.Mode != RekeyMode.Rekey)
        {
            throw ConfidantException.BadRequest("Credentials can be selected only in rekey mode; rewrap re-wraps every item.");
        }

        if (ids.Count > MaxSelection)
        {
            throw ConfidantException.BadRequest($"At most {MaxSelection} credentials can be selected.");
        }

        var found = (await store.GetManyAsync(ids, cancellationToken))
            .Where(item => item is CredentialItem { DataType: DataType.Credential })
            .Select(item => item.Id)
            .ToHashSet(StringComparer.Ordinal);
        if (ids.FirstOrDefault(id => !found.Contains(id)) is { } missing)
        {
            throw ConfidantException.BadRequest($"No credential {missing}.", missing);
        }

        return ids;
    }

    private async Task<KmsKeyMetadata> TargetAsync(string keyId, CancellationToken cancellationToken)
    {
        if (keyId.Length > MaxKeyIdLength)
        {
            throw ConfidantException.BadRequest($"A key id is at most {MaxKeyIdLength} characters.");
        }

        KmsKeyMetadata target;
        try
        {
            target = await keys.DescribeKeyAsync(keyId, cancellationToken);
        }
        catch (KeyServiceException error) when (error.Error is not KeyServiceError.Unavailable)
        {
            throw ConfidantException.BadRequest($"The key service has no usable key '{keyId}' ({error.Error}).");
        }

        return target.Enabled ? target : throw ConfidantException.BadRequest($"The key '{keyId}' is disabled.");
    }

    private async Task RequireAsync(ConfidantPrincipal caller, string action)
    {
        if (!CanManage(caller))
        {
            throw await audit.DeniedAsync(AuditEntry.For(caller, action, AclResources.Rekey, string.Empty), Forbidden(caller));
        }
    }

    private static ConfidantException Forbidden(ConfidantPrincipal caller) =>
        ConfidantException.Forbidden($"{caller.Name} does not have access to the rekey job");
}

/// <summary>What to queue: the mode, the key to end under (default <c>Kms:MasterKeyId</c>), and for re-key mode the credentials.</summary>
public sealed record RekeyRequest(RekeyMode Mode = RekeyMode.Rewrap, string? TargetKey = null, IReadOnlyList<string>? Credentials = null);
