using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Services.Rekey;

/// <summary>
/// Steering the job through the domain: who may, what is refused and changes nothing, pause and resume, the target key
/// fixed when queued, and one worker at a time.
/// </summary>
public sealed class RekeyServiceTests : IAsyncLifetime
{
    private static readonly string MasterAlias = new KmsOptions().MasterKeyId;
    private DomainHost _host = null!;

    private RekeyService Rekey => _host.Get<RekeyService>();

    private RekeyRunner Runner => _host.Get<RekeyRunner>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(new Dictionary<string, string?>
    {
        ["Rekey:KmsCallsPerSecond"] = "10000",
        ["Rekey:BatchSize"] = "3",
        ["Rekey:LeaseSeconds"] = "1",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(ConfidantRoles.Editor)]
    [InlineData(ConfidantRoles.Reader)]
    public async Task StartAsync_BelowAdmin_ForbiddenRecordedAndNothingQueuedAsync(string role)
    {
        var person = ConfidantPrincipal.ForUser("bob@example.com", roles: new HashSet<string> { role });

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.StartAsync(person, new RekeyRequest()));
        var status = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.GetAsync(person));

        Assert.Equal((ConfidantErrorKind.Forbidden, ConfidantErrorKind.Forbidden), (error.Kind, status.Kind));
        Assert.False(Rekey.CanManage(person));
        Assert.Null(await Rekey.GetAsync(DomainHost.Alice));
        var denied = Assert.Single((await _host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.RekeyQueue })).Records).Entry;
        Assert.Equal((AuditOutcomes.Denied, "bob@example.com"), (denied.Outcome, denied.Actor.Name));
    }

    [Fact]
    public async Task StartAsync_Service_ForbiddenAsync()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.StartAsync(ConfidantPrincipal.ForService("web"), new RekeyRequest()));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
    }

    public static TheoryData<RekeyRequest, string> BadRequests => new()
    {
        { new RekeyRequest(RekeyMode.Rewrap, null, ["0123456789abcdef0123456789abcdef"]), "Credentials can be selected only in rekey mode" },
        { new RekeyRequest(RekeyMode.Rekey, null, ["0123456789abcdef0123456789abcdef"]), "No credential 0123456789abcdef0123456789abcdef." },
        { new RekeyRequest(RekeyMode.Rewrap, "alias/no-such-key"), "The key service has no usable key 'alias/no-such-key' (KeyNotFound)." },
        { new RekeyRequest(RekeyMode.Rewrap, new string('k', 3000)), "A key id is at most 2048 characters." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task StartAsync_BadRequest_RefusedNamingTheProblemAndNothingQueuedAsync(RekeyRequest request, string message)
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.StartAsync(DomainHost.Alice, request));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Null(await Rekey.GetAsync(DomainHost.Alice));
    }

    [Fact]
    public async Task StartAsync_DisabledTargetKey_RefusedAsync()
    {
        var old = (await _host.Get<IKeyService>().DescribeKeyAsync(MasterAlias)).Arn;
        _host.Get<ILocalKeyRing>().Rotate(MasterAlias);
        _host.Get<ILocalKeyRing>().SetEnabled(old, enabled: false);

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.StartAsync(DomainHost.Alice, new RekeyRequest(TargetKey: old)));

        Assert.Equal(($"The key '{old}' is disabled.", ConfidantErrorKind.BadRequest), (error.Message, error.Kind));
    }

    [Fact]
    public async Task StartAsync_WhileAJobIsQueuedOrPaused_ConflictUntilItEndsAsync()
    {
        await RekeySeed.WriteAsync(_host.Services, credentials: 2, revisions: 1);
        var first = await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        var queued = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.StartAsync(DomainHost.Alice, new RekeyRequest()));
        await Rekey.PauseAsync(DomainHost.Alice);
        var paused = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.StartAsync(DomainHost.Alice, new RekeyRequest()));
        await Rekey.ResumeAsync(DomainHost.Alice);
        await Runner.RunAsync(DomainHost.Alice, "worker-1", null, CancellationToken.None);
        var second = await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        Assert.Equal((ConfidantErrorKind.Conflict, ConfidantErrorKind.Conflict), (queued.Kind, paused.Kind));
        Assert.Contains($"Rekey job {first.Id} is paused", paused.Message, StringComparison.Ordinal);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(RekeyStatus.Queued, second.Status);
    }

    [Fact]
    public async Task StartAsync_MaintenanceMode_RefusedAsync()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Api:MaintenanceMode"] = "true" });

        var error = await Assert.ThrowsAsync<ConfidantException>(() => host.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest()));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Null(await host.Get<RekeyService>().GetAsync(DomainHost.Alice));
    }

    [Fact]
    public async Task StartAsync_AliasMovedAfterQueueing_TheJobKeepsToTheKeyItNamedThenAsync()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 2, revisions: 2);
        var ring = _host.Get<ILocalKeyRing>();
        var target = ring.Rotate(MasterAlias);
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());
        ring.Rotate(MasterAlias);

        var run = await Runner.RunAsync(DomainHost.Alice, "worker-1", null, CancellationToken.None);

        Assert.Equal(target.Arn, run.Job!.TargetKeyArn);
        Assert.All(await RekeySeed.WrappingKeysAsync(_host.Services), item => Assert.Equal(target.Arn, item.KeyArn));
        Assert.Equal(seed.Items, run.Job.Rewritten);
    }

    [Fact]
    public async Task PauseAsync_WhileRunning_TheWorkerStopsAfterItsBatchAndResumeFinishesAsync()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 6, revisions: 2);
        _host.Get<ILocalKeyRing>().Rotate(MasterAlias);
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());
        RekeyJob? pausedAt = null;

        var first = await Runner.RunAsync(DomainHost.Alice, "worker-1", job =>
        {
            if (job.Processed > 0 && pausedAt is null)
            {
                pausedAt = Rekey.PauseAsync(DomainHost.Alice).GetAwaiter().GetResult();
            }
        }, CancellationToken.None);
        var idle = await Runner.RunAsync(DomainHost.Alice, "worker-2", null, CancellationToken.None);
        await Rekey.ResumeAsync(DomainHost.Alice);
        var last = await Runner.RunAsync(DomainHost.Alice, "worker-2", null, CancellationToken.None);

        Assert.Equal(RekeyRunEnd.Paused, first.End);
        Assert.Equal((RekeyStatus.Paused, null), (first.Job!.Status, first.Job.Worker));
        Assert.True(first.Job.Processed < seed.Items);
        Assert.Equal(RekeyRunEnd.NothingToDo, idle.End);
        Assert.Equal(RekeyRunEnd.Finished, last.End);
        Assert.True(last.Job!.Succeeded);
        Assert.Equal(seed.Items, last.Job.Rewritten);
        var actions = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery())).Records.Select(r => r.Entry.Action).ToList();
        Assert.Contains(AuditActions.RekeyPause, actions);
        Assert.Contains(AuditActions.RekeyResume, actions);
    }

    [Fact]
    public async Task PauseOrResumeAsync_NoJobOrWrongState_RefusedAsync()
    {
        var none = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.PauseAsync(DomainHost.Alice));
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());
        var resumeQueued = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.ResumeAsync(DomainHost.Alice));
        await Runner.RunAsync(DomainHost.Alice, "worker-1", null, CancellationToken.None);
        var pauseCompleted = await Assert.ThrowsAsync<ConfidantException>(() => Rekey.PauseAsync(DomainHost.Alice));

        Assert.Equal(ConfidantErrorKind.NotFound, none.Kind);
        Assert.Equal(ConfidantErrorKind.Conflict, resumeQueued.Kind);
        Assert.Equal(ConfidantErrorKind.Conflict, pauseCompleted.Kind);
        Assert.Contains("is completed; it cannot be paused", pauseCompleted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AnotherWorkersClaimHolds_BusyUntilItRunsOutThenTakenOverAsync()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 2, revisions: 2);
        _host.Get<ILocalKeyRing>().Rotate(MasterAlias);
        var jobs = _host.Get<RekeyJobStore>();
        var queued = await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        // A worker that claimed the job and died: its claim runs for Rekey:LeaseSeconds (1 s here) from its last save.
        await jobs.SaveAsync(
            queued with { Status = RekeyStatus.Running, Worker = "killed", LeaseUntil = TimeProvider.System.GetUtcNow().AddSeconds(1), StartedAt = queued.QueuedAt },
            queued.QueuedAt,
            "killed");

        var busy = await Runner.RunAsync(DomainHost.Alice, "worker-2", null, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var taken = await Runner.RunAsync(DomainHost.Alice, "worker-2", null, CancellationToken.None);

        Assert.Equal((RekeyRunEnd.Busy, "killed"), (busy.End, busy.Job!.Worker));
        Assert.Equal(RekeyRunEnd.Finished, taken.End);
        Assert.Equal(seed.Items, taken.Job!.Rewritten);
    }
}
