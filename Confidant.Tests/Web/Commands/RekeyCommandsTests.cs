using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary>The <c>rekey</c> verbs: queue, show, pause, resume and run the job; bad arguments exit 2 and change nothing.</summary>
public sealed class RekeyCommandsTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(new Dictionary<string, string?>
    {
        ["Rekey:KmsCallsPerSecond"] = "10000",
        ["Rekey:BatchSize"] = "4",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static readonly string[][] BadArguments =
    [
        ["rekey", "start", "--mode"],
        ["rekey", "start", "--mode", "scramble"],
        ["rekey", "start", "--to"],
        ["rekey", "start", "--to", "--mode", "rekey"],
        ["rekey", "start", "--mode", "rekey", "--mode", "rewrap"],
        ["rekey", "start", "--credential", "0123456789abcdef0123456789abcdef"],
        ["rekey", "start", "--everything", "yes"],
        ["rekey", "start", "now"],
        ["rekey", "start", "--to", "alias/no-such-key"],
        ["rekey", "start", "--mode", "rekey", "--credential", "0123456789abcdef0123456789abcdef"],
        ["rekey", "run", "--mode", "twice"],
        ["rekey", "run", "--to", "alias/no-such-key"],
        ["rekey", "status", "--verbose"],
        ["rekey", "pause", "now"],
        ["rekey", "resume", "please"],
        ["rekey", "stop"],
    ];

    [Fact]
    public async Task RunAsync_BadArguments_ExitCode2WithTheUsageAndNothingQueued()
    {
        foreach (var args in BadArguments)
        {
            var (exit, output, error) = await RunAsync(args);

            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}, {error}");
            Assert.Empty(output);
            Assert.Contains(args.Length > 1 && args[1] != "stop" ? $"usage: rekey {args[1]}" : "rekey start", error, StringComparison.Ordinal);
        }

        Assert.Null(await _host.Get<RekeyService>().GetAsync(DomainHost.Alice));
    }

    [Theory]
    [InlineData("start")]
    [InlineData("status")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("run")]
    public async Task RunAsync_Help_PrintsTheUsageAndDoesNothing(string verb)
    {
        var (exit, output, _) = await RunAsync("rekey", verb, "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith($"usage: rekey {verb}", output, StringComparison.Ordinal);
        Assert.Null(await _host.Get<RekeyService>().GetAsync(DomainHost.Alice));
    }

    [Fact]
    public async Task StartStatusPauseResume_TheJobAsQueuedShownPausedAndQueuedAgain_EachRecordedAsTheOperator()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 2, revisions: 2);
        var selected = seed.Values.Keys.First();

        var started = await RunAsync("rekey", "start", "--mode", "rekey", "--credential", selected);
        var status = await RunAsync("rekey", "status");
        var paused = await RunAsync("rekey", "pause");
        var again = await RunAsync("rekey", "start");
        var resumed = await RunAsync("rekey", "resume");

        var job = (await _host.Get<RekeyService>().GetAsync(DomainHost.Alice))!;
        Assert.Equal(0, started.Exit);
        Assert.Contains($"queued rekey job {job.Id}: rekey to {job.TargetKeyArn}", started.Output, StringComparison.Ordinal);
        Assert.Equal(0, status.Exit);
        Assert.Contains($"rekey {job.Id}: queued, 0 of 0 items (0.0 %)", status.Output, StringComparison.Ordinal);
        Assert.Contains("mode: rekey; target key: ", status.Output, StringComparison.Ordinal);
        Assert.Contains("; 1 credentials selected", status.Output, StringComparison.Ordinal);
        Assert.Contains($"rekey {job.Id}: paused", paused.Output, StringComparison.Ordinal);
        Assert.Equal((1, $"Rekey job {job.Id} is paused: resume it, or pause it and wait for it to end, before starting another."), (again.Exit, again.Error.Trim()));
        Assert.Contains($"rekey {job.Id}: queued", resumed.Output, StringComparison.Ordinal);
        Assert.Equal([selected], job.Selection);
        Assert.Equal(RekeyStatus.Queued, job.Status);
        var recorded = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery { ResourceId = job.Id })).Records.Select(r => r.Entry).ToList();
        Assert.Equal(
            [(AuditActions.RekeyResume, "rekey resume"), (AuditActions.RekeyPause, "rekey pause"), (AuditActions.RekeyQueue, "rekey start")],
            recorded.Select(e => (e.Action, e.Origin.Route)));
        Assert.All(recorded, e => Assert.Equal((AuditChannels.Command, Environment.UserName), (e.Origin.Channel, e.Actor.Name)));
    }

    [Fact]
    public async Task StatusPauseResume_NoJob_ExitCode1Saying()
    {
        foreach (var verb in new[] { "status", "pause", "resume" })
        {
            var (exit, _, error) = await RunAsync("rekey", verb);

            Assert.Equal(1, exit);
            Assert.Equal("No rekey job has been queued.", error.Trim());
        }
    }

    [Fact]
    public async Task Run_NothingQueued_StartsOneWorksItHereAndExits0WhenEveryItemIsDone()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 5, revisions: 2, blind: 1);
        var rotated = _host.Get<ILocalKeyRing>().Rotate(new KmsOptions().MasterKeyId);

        var (exit, output, error) = await RunAsync("rekey", "run");

        var job = (await _host.Get<RekeyService>().GetAsync(DomainHost.Alice))!;
        Assert.True(exit == 0, error);
        Assert.Contains($"queued rekey job {job.Id}: rewrap to {rotated.Arn}", output, StringComparison.Ordinal);
        Assert.Contains($"rekey {job.Id}: completed, {seed.Items} of {seed.Items} items (100.0 %): {seed.Items} rewritten, 0 skipped, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains($"blind: {seed.Blind[0]} blind 0: {RekeySeed.BlindOwner}", output, StringComparison.Ordinal);
        Assert.All(await RekeySeed.WrappingKeysAsync(_host.Services), item => Assert.Equal(rotated.Arn, item.KeyArn));
    }

    [Fact]
    public async Task Run_PausedJob_ResumedAndFinished_OptionsGivenAreSaidToBeUnused()
    {
        await RekeySeed.WriteAsync(_host.Services, credentials: 2, revisions: 1);
        var rekey = _host.Get<RekeyService>();
        var job = await rekey.StartAsync(DomainHost.Alice, new RekeyRequest());
        await rekey.PauseAsync(DomainHost.Alice);

        var (exit, output, error) = await RunAsync("rekey", "run", "--mode", "rekey");

        Assert.Equal(0, exit);
        Assert.Contains($"resumed rekey job {job.Id}", output, StringComparison.Ordinal);
        Assert.Contains($"Rekey job {job.Id} is paused: working it as it was queued; the options are not used.", error, StringComparison.Ordinal);
        Assert.Equal(RekeyStatus.Completed, (await rekey.GetAsync(DomainHost.Alice))!.Status);
    }

    [Fact]
    public async Task Run_AnItemFails_Exits1NamingIt()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 2, revisions: 1);
        var ids = seed.Values.Keys.ToList();
        var store = _host.Get<Confidant.Services.Storage.IConfidantStore>();
        var broken = (Confidant.Services.Storage.CredentialItem)(await store.GetAsync(ids[0]))!;
        var foreign = (Confidant.Services.Storage.CredentialItem)(await store.GetAsync(ids[1]))!;
        await store.RewriteDataKeyAsync(Confidant.Services.Storage.StoreTable.Primary, broken with { DataKey = foreign.DataKey }, broken.DataKey);

        var (exit, output, _) = await RunAsync("rekey", "run");

        Assert.Equal(1, exit);
        Assert.Contains($"failed: {ids[0]} revision 1 (primary table): KeyServiceInvalidCiphertext", output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(_host.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
