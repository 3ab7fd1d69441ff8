using System.Globalization;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Services.Kms;
using Confidant.Services.Maintenance;
using Confidant.Services.Revisions;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Rekey;

/// <summary>
/// Works the queued or running job: claims it (one worker at a time, by a lease renewed after every batch), walks it a
/// batch at a time at the configured key-service rate, saves its state after every batch and records its start, its
/// progress, its end and every item it could not do in the audit trail. A worker that stops, crashes or is killed
/// leaves the job where its last save put it; the next worker resumes from there.
/// </summary>
public sealed partial class RekeyRunner
{
    private const int MaxTransientRetries = 6;

    private readonly RekeyJobStore _jobs;
    private readonly RekeyWalk _walk;
    private readonly ItemRekeyer _items;
    private readonly IKeyService _keys;
    private readonly AuditRecorder _audit;
    private readonly MaintenanceMode _maintenance;
    private readonly RekeyOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeProvider _clock;
    private readonly ConfidantMetrics _metrics;
    private readonly ILogger<RekeyRunner> _logger;

    internal RekeyRunner(
        RekeyJobStore jobs,
        RekeyWalk walk,
        ItemRekeyer items,
        IKeyService keys,
        AuditRecorder audit,
        MaintenanceMode maintenance,
        IOptions<RekeyOptions> options,
        TimeProvider time,
        TimeProvider clock,
        ConfidantMetrics metrics,
        ILogger<RekeyRunner> logger)
    {
        _jobs = jobs;
        _walk = walk;
        _items = items;
        _keys = keys;
        _audit = audit;
        _maintenance = maintenance;
        _options = options.Value;
        _time = time;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Works the job until it ends, is paused, or <paramref name="cancellationToken"/> stops this worker (the job is then
    /// saved and let go, to be resumed). <paramref name="progress"/> sees the job after every batch.
    /// </summary>
    public async Task<RekeyRun> RunAsync(ConfidantPrincipal runner, string worker, Action<RekeyJob>? progress, CancellationToken cancellationToken)
    {
        var claim = await ClaimAsync(runner, worker, cancellationToken);
        if (claim.End is not null)
        {
            return new RekeyRun(claim.Job, claim.End.Value);
        }

        var job = claim.Job!;
        progress?.Invoke(job);
        var target = await _keys.DescribeKeyAsync(job.TargetKeyArn, cancellationToken);
        if (!target.Enabled)
        {
            return await EndAsync(runner, job with { Status = RekeyStatus.Failed, Error = $"The target key {job.TargetKeyArn} is disabled." }, CancellationToken.None);
        }

        return await WorkAsync(runner, worker, job, progress, cancellationToken);
    }

    private async Task<RekeyRun> WorkAsync(ConfidantPrincipal runner, string worker, RekeyJob job, Action<RekeyJob>? progress, CancellationToken cancellationToken)
    {
        var pacer = new KmsCallPacer(_options.KmsCallsPerSecond, _clock);
        var keys = new PacedKeyService(_keys, pacer);
        var lastProgress = (At: _clock.GetTimestamp(), Processed: job.Processed);
        var transientFailures = 0;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return await LetGoAsync(job, worker);
            }

            var started = _clock.GetTimestamp();
            var callsBefore = pacer.Calls;
            RekeyJob worked;
            try
            {
                worked = _maintenance.IsActive
                    ? await WaitOutMaintenanceAsync(job, cancellationToken)
                    : await RunBatchAsync(runner, job, keys, cancellationToken);
                transientFailures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return await LetGoAsync(job, worker);
            }
            catch (Exception error) when (FaultClassifier.IsUnavailable(error))
            {
                if (++transientFailures > MaxTransientRetries)
                {
                    return await EndAsync(runner, job with { Status = RekeyStatus.Failed, Error = $"Stopped: {error.Message}" }, CancellationToken.None);
                }

                LogRetrying(error.GetType().Name, transientFailures);
                if (!await DelayAsync(RevisionWriter.Backoff(transientFailures) + TimeSpan.FromSeconds(1 << transientFailures), cancellationToken))
                {
                    return await LetGoAsync(job, worker);
                }

                continue;
            }

            worked = worked with
            {
                ActiveSeconds = worked.ActiveSeconds + _clock.GetElapsedTime(started).TotalSeconds,
                KmsCalls = worked.KmsCalls + (pacer.Calls - callsBefore),
                Total = Math.Max(worked.Total, worked.Processed),
                LeaseUntil = _clock.GetUtcNow() + _options.Lease,
            };
            var (saved, end) = await SaveMergedAsync(worked, worker);
            job = saved;
            progress?.Invoke(job);
            if (end is not null)
            {
                return new RekeyRun(job, end.Value);
            }

            if (job.Cursor.Phase == RekeyPhase.Done)
            {
                return await EndAsync(runner, job with { Status = RekeyStatus.Completed, Worker = null, LeaseUntil = null }, CancellationToken.None);
            }

            if (job.Processed - lastProgress.Processed >= _options.ProgressEveryItems
                || _clock.GetElapsedTime(lastProgress.At) >= TimeSpan.FromSeconds(_options.ProgressEverySeconds))
            {
                lastProgress = (_clock.GetTimestamp(), job.Processed);
                await _audit.SucceededAsync(Entry(runner, AuditActions.RekeyProgress, job, Counts(job)));
            }
        }
    }

    /// <summary>One page of the walk, worked item by item; the job with its counts and cursor moved past the page.</summary>
    private async Task<RekeyJob> RunBatchAsync(ConfidantPrincipal runner, RekeyJob job, IKeyService keys, CancellationToken cancellationToken)
    {
        if (job.Cursor.Phase == RekeyPhase.BlindCredentials)
        {
            var blind = await _walk.BlindCredentialsAsync(_options.OwnerMetadataKey, cancellationToken);
            return job with
            {
                BlindCredentials = [.. blind.Take(RekeyJob.ListedLimit)],
                BlindCredentialCount = blind.Count,
                Cursor = new RekeyCursor(RekeyPhase.Done),
            };
        }

        var page = await _walk.NextAsync(job.Cursor, job.StartedAt!.Value, RevisionWriter.Now(_time), _options.BatchSize, cancellationToken);
        var (rewritten, skipped) = (0L, 0L);
        var failures = new List<RekeyFailure>();
        foreach (var walked in page.Items)
        {
            var outcome = await _items.ProcessAsync(job, keys, walked, cancellationToken);
            switch (outcome.Result)
            {
                case ItemResult.Rewritten:
                    rewritten++;
                    _metrics.RekeyItemDone(MetricMode(job.Mode), "rewritten");
                    break;
                case ItemResult.Skipped:
                    skipped++;
                    _metrics.RekeyItemDone(MetricMode(job.Mode), "skipped");
                    break;
                default:
                    _metrics.RekeyItemDone(MetricMode(job.Mode), "failed");
                    var failure = new RekeyFailure(outcome.Item.Id, outcome.Item.Revision, walked.Table, outcome.Error!, _time.GetUtcNow());
                    failures.Add(failure);
                    LogItemFailed(failure.Id, failure.Revision, failure.Error);
                    await _audit.FailedAsync(
                        AuditEntry.For(runner, AuditActions.RekeyItemFailed, AclResources.Credential, outcome.Item.BaseId, outcome.Item.Revision) with
                        {
                            Detail = $"rekey job {job.Id}: {failure.Error} ({(walked.Table == Storage.StoreTable.Archive ? "archive" : "primary")} table)",
                        });
                    break;
            }
        }

        var next = page.Next;
        if ((job.Cursor.Phase is RekeyPhase.CatchUpCurrent or RekeyPhase.CatchUpRevisions) && (next.Phase is RekeyPhase.CatchUpRevisions or RekeyPhase.CatchUpEnd))
        {
            next = next with { PassRewrites = next.PassRewrites + rewritten };
        }

        return job with
        {
            Cursor = next,
            Rewritten = job.Rewritten + rewritten,
            Skipped = job.Skipped + skipped,
            Failed = job.Failed + failures.Count,
            Failures = [.. job.Failures.Concat(failures).Take(RekeyJob.ListedLimit)],
        };
    }

    /// <summary>Takes the job for <paramref name="worker"/>, unless another worker's claim still holds.</summary>
    private async Task<(RekeyJob? Job, RekeyRunEnd? End)> ClaimAsync(ConfidantPrincipal runner, string worker, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await _jobs.LoadAsync(cancellationToken);
            if (job is not { IsActive: true })
            {
                return (job, RekeyRunEnd.NothingToDo);
            }

            if (job.Worker is { } holder && holder != worker && job.LeaseUntil > _clock.GetUtcNow())
            {
                return (job, RekeyRunEnd.Busy);
            }

            var first = job.StartedAt is null;
            var now = RevisionWriter.Now(_time);
            var claimed = job with
            {
                Status = RekeyStatus.Running,
                Worker = worker,
                LeaseUntil = _clock.GetUtcNow() + _options.Lease,
                StartedAt = job.StartedAt ?? now,
                Error = null,
            };
            if (first)
            {
                claimed = claimed with { Total = await _walk.CountAsync(cancellationToken) };
            }

            try
            {
                claimed = await _jobs.SaveAsync(claimed, now, worker, cancellationToken);
            }
            catch (RevisionConflictException)
            {
                // Another worker or a pause got there first: look again.
                continue;
            }

            LogClaimed(claimed.Id, worker, claimed.Processed, claimed.Total);
            await _audit.SucceededAsync(Entry(runner, AuditActions.RekeyStart, claimed,
                first
                    ? $"{Describe(claimed)}; queued by {claimed.QueuedBy}; {claimed.Total} items"
                    : $"resumed by {worker}: {Counts(claimed)}"));
            return (claimed, null);
        }
    }

    /// <summary>
    /// Saves the worker's progress. When someone else saved meanwhile, their word on the status wins (a pause); a claim
    /// taken by another worker ends this one's work without saving (the new worker redoes the batch, finding its items done).
    /// Saves are never cancelled half-way: what was done must be on record before the worker goes.
    /// </summary>
    private async Task<(RekeyJob Job, RekeyRunEnd? End)> SaveMergedAsync(RekeyJob job, string worker)
    {
        while (true)
        {
            var paused = job.Status == RekeyStatus.Paused;
            var toSave = paused ? job with { Worker = null, LeaseUntil = null } : job;
            try
            {
                var saved = await _jobs.SaveAsync(toSave, _time.GetUtcNow(), worker, CancellationToken.None);
                return (saved, paused ? RekeyRunEnd.Paused : null);
            }
            catch (RevisionConflictException)
            {
                var fresh = await _jobs.LoadAsync(CancellationToken.None);
                if (fresh is null || fresh.Id != job.Id || (fresh.Worker is not null && fresh.Worker != worker)
                    || fresh.Status is RekeyStatus.Completed or RekeyStatus.Failed)
                {
                    LogLostClaim(job.Id, worker);
                    return (fresh ?? job, RekeyRunEnd.Busy);
                }

                job = job with { Revision = fresh.Revision, Status = fresh.Status == RekeyStatus.Paused ? RekeyStatus.Paused : job.Status };
            }
        }
    }

    /// <summary>The job ends: completed or failed, let go, and its end recorded.</summary>
    private async Task<RekeyRun> EndAsync(ConfidantPrincipal runner, RekeyJob job, CancellationToken cancellationToken)
    {
        var ended = job with { EndedAt = RevisionWriter.Now(_time), Worker = null, LeaseUntil = null };
        try
        {
            ended = await _jobs.SaveAsync(ended, _time.GetUtcNow(), runner.Name, cancellationToken);
        }
        catch (RevisionConflictException)
        {
            // A pause or another worker since: the job is theirs to finish, this end is not recorded.
            return new RekeyRun(await _jobs.LoadAsync(cancellationToken), RekeyRunEnd.Busy);
        }

        LogEnded(ended.Id, ended.Status, ended.Rewritten, ended.Skipped, ended.Failed);
        var entry = Entry(runner, AuditActions.RekeyEnd, ended, ended.Error is { } error ? $"{Counts(ended)}; {error}" : Counts(ended));
        await (ended.Succeeded ? _audit.SucceededAsync(entry) : _audit.FailedAsync(entry));
        return new RekeyRun(ended, RekeyRunEnd.Finished);
    }

    /// <summary>This worker stops (the host is stopping): the job is saved as it is and left for the next worker.</summary>
    private async Task<RekeyRun> LetGoAsync(RekeyJob job, string worker)
    {
        var (saved, end) = await SaveMergedAsync(job with { Worker = null, LeaseUntil = null }, worker);
        LogLetGo(saved.Id, worker);
        return new RekeyRun(saved, end ?? RekeyRunEnd.Stopped);
    }

    /// <summary>Maintenance mode holds every write, this job's too: wait, keeping the claim.</summary>
    private async Task<RekeyJob> WaitOutMaintenanceAsync(RekeyJob job, CancellationToken cancellationToken)
    {
        await Task.Delay(_options.Poll, _clock, cancellationToken);
        return job;
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _clock, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    internal static string Describe(RekeyJob job) =>
        $"{RekeyModes.ToWire(job.Mode)} to {job.TargetKeyArn}{(job.Selection.Count > 0 ? $" ({job.Selection.Count} credentials selected)" : string.Empty)}";

    internal static string Counts(RekeyJob job) => string.Create(
        CultureInfo.InvariantCulture,
        $"{job.Processed} of {job.Total} items: {job.Rewritten} rewritten, {job.Skipped} skipped, {job.Failed} failed; {job.KmsCalls} key-service calls");

    private static AuditEntry Entry(ConfidantPrincipal runner, string action, RekeyJob job, string detail) =>
        AuditEntry.For(runner, action, AclResources.Rekey, job.Id) with { Detail = detail };

    private static string MetricMode(RekeyMode mode) => mode == RekeyMode.Rekey ? "rekey" : "rewrap";

    [LoggerMessage(Level = LogLevel.Information, Message = "Rekey job {JobId} worked by {Worker} ({Processed} of {Total} items done)")]
    private partial void LogClaimed(string jobId, string worker, long processed, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rekey job: credential item {Id} revision {Revision} failed: {Error}")]
    private partial void LogItemFailed(string id, int revision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rekey job: a dependency is unavailable ({Error}); retry {Attempt}")]
    private partial void LogRetrying(string error, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rekey job {JobId}: {Worker} lost its claim to another worker")]
    private partial void LogLostClaim(string jobId, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rekey job {JobId} left by {Worker} to be resumed")]
    private partial void LogLetGo(string jobId, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rekey job {JobId} ended {Status}: {Rewritten} rewritten, {Skipped} skipped, {Failed} failed")]
    private partial void LogEnded(string jobId, RekeyStatus status, long rewritten, long skipped, long failed);
}

/// <summary>How a worker's run of the job ended, and the job as it then was.</summary>
public sealed record RekeyRun(RekeyJob? Job, RekeyRunEnd End);

public enum RekeyRunEnd
{
    /// <summary>No job queued or running.</summary>
    NothingToDo,

    /// <summary>The job completed or failed.</summary>
    Finished,

    /// <summary>Someone paused the job.</summary>
    Paused,

    /// <summary>Another worker holds the job.</summary>
    Busy,

    /// <summary>This worker was stopped; the job waits for the next one.</summary>
    Stopped,
}
