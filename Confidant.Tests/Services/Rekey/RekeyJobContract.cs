using Confidant.Services;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Rekey;

/// <summary>
/// The re-encryption job end to end on one backing (store + key service): everything ends under the new key and still
/// reads with the old key disabled, a stopped job resumes, writers running meanwhile lose nothing, an item changed under
/// the job is done again, re-key mode gives fresh data keys, and an item that cannot be done is reported. Run per backing.
/// </summary>
public abstract class RekeyJobContract(RekeyBacking backing) : IAsyncLifetime
{
    private DomainHost? _host;

    private DomainHost Host => _host ?? throw new InvalidOperationException("No host started.");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rewrap_EveryRevisionCurrentAndArchived_EndsUnderTheNewKeyAndReadsWithTheOldKeyDisabledAsync()
    {
        await StartAsync();
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 8, revisions: 3, archived: 2, blind: 1);
        var (oldKey, newKey) = await backing.RotateMasterKeyAsync(Host);

        // Archived well before the job starts: the walk meets them once, in the archive table (not again in a catch-up pass).
        Host.Time.Advance(TimeSpan.FromHours(1));

        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());
        var run = await RunAsync("worker-1");

        var job = run.Job!;
        Assert.Equal(RekeyRunEnd.Finished, run.End);
        Assert.True(job.Succeeded, job.Error);
        Assert.Equal((seed.Items, seed.Items, 0L, 0L), (job.Total, job.Rewritten, job.Skipped, job.Failed));
        Assert.Equal(newKey, job.TargetKeyArn);
        var wrapping = await RekeySeed.WrappingKeysAsync(Host.Services);
        Assert.Equal(seed.Items, wrapping.Count);
        Assert.All(wrapping, item => Assert.Equal(newKey, item.KeyArn));
        Assert.Equal(10, wrapping.Count(item => item.Table == StoreTable.Archive));
        var blind = Assert.Single(job.BlindCredentials);
        Assert.Equal((seed.Blind[0], RekeySeed.BlindOwner), (blind.Id, Assert.Single(blind.Owners)));

        await backing.DisableKeyAsync(Host, oldKey);
        await seed.AssertEveryRevisionReadsAsync(Host.Services);
        Assert.Equal(
            [AuditActions.RekeyQueue, AuditActions.RekeyStart, AuditActions.RekeyEnd],
            await ActionsAsync(AuditActions.RekeyQueue, AuditActions.RekeyStart, AuditActions.RekeyEnd));
    }

    [Fact]
    public async Task Run_StoppedMidJob_AnotherWorkerResumesFromWhereItStoppedAndFinishesAsync()
    {
        await StartAsync();
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 10, revisions: 2);
        var (_, newKey) = await backing.RotateMasterKeyAsync(Host);
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        using var stop = new CancellationTokenSource();
        var stopped = await Runner.RunAsync(DomainHost.Alice, "worker-1", job =>
        {
            if (job.Processed >= 10)
            {
                stop.Cancel();
            }
        }, stop.Token);
        var saved = (await Jobs.LoadAsync())!;
        var resumed = await RunAsync("worker-2");

        Assert.Equal(RekeyRunEnd.Stopped, stopped.End);
        Assert.Equal((RekeyStatus.Running, null), (saved.Status, saved.Worker));
        Assert.InRange(saved.Processed, 1, seed.Items - 1);
        Assert.Equal(RekeyRunEnd.Finished, resumed.End);
        Assert.True(resumed.Job!.Succeeded);

        // What the first worker did before its last save is not done again; at most its last batch is met again.
        Assert.Equal(seed.Items, resumed.Job.Rewritten);
        Assert.InRange(resumed.Job.Skipped, 0, Options.BatchSize);
        Assert.All(await RekeySeed.WrappingKeysAsync(Host.Services), item => Assert.Equal(newKey, item.KeyArn));
        await seed.AssertEveryRevisionReadsAsync(Host.Services);
    }

    [Fact]
    public async Task Run_WritersRunningDuringTheJob_LoseNothingAsync()
    {
        // Slow enough that the writers' updates land in the middle of the walk.
        await StartAsync(new() { ["Rekey:KmsCallsPerSecond"] = "150", ["Rekey:BatchSize"] = "5" });
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 12, revisions: 2);
        var (_, newKey) = await backing.RotateMasterKeyAsync(Host);
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        var job = RunAsync("worker-1");
        var ids = seed.Values.Keys.ToList();
        var writes = await Task.WhenAll(Enumerable.Range(0, 2).Select(w => WriteUntilAsync(() => job.IsCompleted, ids, w, seed)));
        var run = await job;

        Assert.True(writes.Sum() >= 4, $"only {writes.Sum()} writes landed during the job");
        Assert.True(run.Job!.Succeeded, run.Job.Error);
        Assert.All(await RekeySeed.WrappingKeysAsync(Host.Services), item => Assert.Equal(newKey, item.KeyArn));
        await seed.AssertEveryRevisionReadsAsync(Host.Services);
    }

    [Fact]
    public async Task Run_ItemChangedUnderTheJob_ReadAgainAndTheChangeKeptAsync()
    {
        InterleavingStore? interleaving = null;
        await StartAsync(configure: services => ServiceDecoration.Decorate<IConfidantStore>(services, (sp, inner) => interleaving = new InterleavingStore(inner, sp)));
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 3, revisions: 2);
        var (_, newKey) = await backing.RotateMasterKeyAsync(Host);
        var target = seed.Values.Keys.First();
        interleaving!.BeforeFirstRewriteOf(target, async services =>
        {
            seed.Values[target].Add("changed under the job");
            await services.GetRequiredService<CredentialService>().UpdateAsync(
                DomainHost.Alice, target, new CredentialInput { Pairs = TestData.Pairs(("password", "changed under the job")) });
        });
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        var run = await RunAsync("worker-1");

        Assert.True(run.Job!.Succeeded, run.Job.Error);
        Assert.Equal([false], interleaving.Outcomes(target));
        Assert.Equal(3, (await Host.Get<CredentialReader>().GetAsync(DomainHost.Alice, target, metadataOnly: true)).Item.Revision);
        Assert.All(await RekeySeed.WrappingKeysAsync(Host.Services), item => Assert.Equal(newKey, item.KeyArn));
        await seed.AssertEveryRevisionReadsAsync(Host.Services);
    }

    [Fact]
    public async Task Rekey_SelectedCredential_ItsCurrentRevisionGetsAFreshDataKeyEverythingElseIsRewrappedAsync()
    {
        await StartAsync();
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 3, revisions: 2);
        var selected = seed.Values.Keys.First();
        var before = await DataKeysAsync();
        var (_, newKey) = await backing.RotateMasterKeyAsync(Host);

        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest(RekeyMode.Rekey, Credentials: [selected]));
        var run = await RunAsync("worker-1");
        var after = await DataKeysAsync();

        Assert.True(run.Job!.Succeeded, run.Job.Error);
        var fresh = after.Where(a => before[a.Key] != a.Value).Select(a => a.Key).Order(StringComparer.Ordinal);
        Assert.Equal([selected, $"{selected}-2"], fresh);
        Assert.All(await RekeySeed.WrappingKeysAsync(Host.Services), item => Assert.Equal(newKey, item.KeyArn));
        await seed.AssertEveryRevisionReadsAsync(Host.Services);
    }

    [Fact]
    public async Task Rekey_ExposedCredential_MarkLeftAloneFingerprintsKeptAndTheExposedValueStillRefusedAsync()
    {
        await StartAsync();
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 3, revisions: 2);
        var exposed = seed.Values.Keys.First();
        await Host.Get<ExposureService>().MarkAsync(DomainHost.Alice, AclResources.Credential, exposed, new ExposureInput("pasted in chat", "INC-3"));
        var store = Host.Get<IConfidantStore>();
        var mark = Assert.Single((await store.QueryAsync(DataType.Exposure, PageRequest.All)).Items);
        var fingerprints = await FingerprintsAsync();
        var (_, newKey) = await backing.RotateMasterKeyAsync(Host);

        // Re-key mode: the exposed credential's current revision gets fresh ciphertext, its values stay what they were.
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest(RekeyMode.Rekey, Credentials: [exposed]));
        var run = await RunAsync("worker-1");

        Assert.True(run.Job!.Succeeded, run.Job.Error);
        Assert.Equal((seed.Items, seed.Items, 0L), (run.Job.Total, run.Job.Rewritten, run.Job.Failed));
        Assert.Equal(StoredItemJson.Serialize(mark), StoredItemJson.Serialize((await store.GetAsync(mark.Id))!));
        Assert.Equal(fingerprints, await FingerprintsAsync());
        Assert.All(await RekeySeed.WrappingKeysAsync(Host.Services), item => Assert.Equal(newKey, item.KeyArn));
        var reuse = await Assert.ThrowsAsync<ConfidantException>(() => Host.Get<CredentialService>().CreateAsync(
            DomainHost.Alice, TestData.Credential("again", ("password", seed.Values[exposed][^1]))));
        Assert.Equal("The value of credential key 'password' was exposed (incident INC-3); write a new value.", reuse.Message);
        await seed.AssertEveryRevisionReadsAsync(Host.Services);
    }

    [Fact]
    public async Task Run_ItemThatCannotBeDecrypted_ReportedAndAuditedWhileEveryOtherItemIsDoneAsync()
    {
        await StartAsync();
        var seed = await RekeySeed.WriteAsync(Host.Services, credentials: 3, revisions: 2);
        var ids = seed.Values.Keys.ToList();
        var store = Host.Get<IConfidantStore>();

        // The first revision of one credential carries another credential's data key: it decrypts under no context of its own.
        var broken = (CredentialItem)(await store.GetAsync($"{ids[0]}-1"))!;
        var foreign = (CredentialItem)(await store.GetAsync(ids[1]))!;
        await store.RewriteDataKeyAsync(StoreTable.Primary, broken with { DataKey = foreign.DataKey }, broken.DataKey);
        var (_, newKey) = await backing.RotateMasterKeyAsync(Host);
        await Rekey.StartAsync(DomainHost.Alice, new RekeyRequest());

        var run = await RunAsync("worker-1");

        var job = run.Job!;
        Assert.Equal((RekeyStatus.Completed, false), (job.Status, job.Succeeded));
        Assert.Equal((seed.Items - 1L, 1L), (job.Rewritten, job.Failed));
        var failure = Assert.Single(job.Failures);
        Assert.Equal(($"{ids[0]}-1", 1, "KeyServiceInvalidCiphertext"), (failure.Id, failure.Revision, failure.Error));
        var recorded = Assert.Single((await Host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.RekeyItemFailed })).Records).Entry;
        Assert.Equal((ids[0], 1, AuditOutcomes.Failed), (recorded.ResourceId, recorded.Revision, recorded.Outcome));
        var end = Assert.Single((await Host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.RekeyEnd })).Records).Entry;
        Assert.Equal(AuditOutcomes.Failed, end.Outcome);
        Assert.Equal(foreign.DataKey, ((CredentialItem)(await store.GetAsync(broken.Id))!).DataKey);
        var others = await RekeySeed.WrappingKeysAsync(Host.Services, except: broken.Id);
        Assert.Equal(seed.Items - 1, others.Count);
        Assert.All(others, item => Assert.Equal(newKey, item.KeyArn));
    }

    private RekeyService Rekey => Host.Get<RekeyService>();

    private RekeyRunner Runner => Host.Get<RekeyRunner>();

    private RekeyJobStore Jobs => Host.Get<RekeyJobStore>();

    private RekeyOptions Options => Host.Get<Microsoft.Extensions.Options.IOptions<RekeyOptions>>().Value;

    private async Task StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var all = await backing.SettingsAsync();
        all["Rekey:KmsCallsPerSecond"] = "10000";
        all["Rekey:BatchSize"] = "7";
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        _host = await DomainHost.StartAsync(all, configureServices: configure);
    }

    private Task<RekeyRun> RunAsync(string worker) => Runner.RunAsync(DomainHost.Alice, worker, null, CancellationToken.None);

    /// <summary>Updates credentials in turn until <paramref name="done"/>; each value written is what that revision must read.</summary>
    private async Task<int> WriteUntilAsync(Func<bool> done, List<string> ids, int writer, RekeySeed seed)
    {
        var credentials = Host.Get<CredentialService>();
        var written = 0;
        for (var n = 0; !done(); n++)
        {
            var id = ids[((n * 2) + writer) % ids.Count];
            var value = $"writer{writer}-{n}";
            var updated = await credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", value)) });
            lock (seed)
            {
                var values = seed.Values[id];
                while (values.Count < updated.Item.Revision)
                {
                    values.Add(string.Empty);
                }

                values[updated.Item.Revision - 1] = value;
            }

            written++;
        }

        return written;
    }

    /// <summary>Every credential item's plaintext data key (as base64), by item id.</summary>
    private async Task<Dictionary<string, string>> DataKeysAsync()
    {
        var store = Host.Get<IConfidantStore>();
        var keys = Host.Get<IKeyService>();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in new[] { DataType.Credential, DataType.ArchiveCredential })
        {
            foreach (var item in (await store.QueryAsync(type, PageRequest.All)).Items.OfType<CredentialItem>())
            {
                var context = new Dictionary<string, string> { ["id"] = item.Id.Split('-')[0] };
                found[item.Id] = Convert.ToBase64String((await keys.DecryptAsync(Convert.FromBase64String(item.DataKey), context)).Plaintext);
            }
        }

        return found;
    }

    /// <summary>Every credential item's fingerprints (as stored JSON), by item id; every item has them.</summary>
    private async Task<Dictionary<string, string>> FingerprintsAsync()
    {
        var store = Host.Get<IConfidantStore>();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in new[] { DataType.Credential, DataType.ArchiveCredential })
        {
            foreach (var item in (await store.QueryAsync(type, PageRequest.All)).Items.OfType<CredentialItem>())
            {
                found[item.Id] = StoredItemJson.SerializeValue(Assert.IsType<ValueFingerprints>(item.Fingerprints));
            }
        }

        return found;
    }

    private async Task<List<string>> ActionsAsync(params string[] actions)
    {
        var records = new List<(DateTimeOffset Time, long Sequence, string Action)>();
        foreach (var action in actions)
        {
            records.AddRange((await Host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = action })).Records.Select(r => (r.Time, r.Sequence, r.Entry.Action)));
        }

        return [.. records.OrderBy(r => r.Time).ThenBy(r => r.Sequence).Select(r => r.Action)];
    }
}
