using System.Globalization;
using Confidant.Bench.Harness;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Bench.Scenarios;

/// <summary>
/// A bounded soak of one real app (<see cref="BrowserSession"/>: Kestrel, SQLite, local key ring, headless
/// Chromium): for <see cref="BenchOptions.SoakSeconds"/>, service reads of a mapped service (through the domain, as
/// the endpoint calls it: ACL, response cache, audit record), credential updates (each moves the store generation,
/// so the next page load rebuilds the catalogue) and full page loads (a new circuit each), all at once. Working set
/// and GC heap are sampled with that work held between two operations (<see cref="SoakPause"/>), after a warm-up, every
/// 30 s and at the end; the report gives the growth from start to end and the trend over every sample.
/// </summary>
internal sealed class SoakScenario(BenchOptions options)
{
    public const int Credentials = 1_000;
    private const int Mapped = 10;
    private const string ServiceId = "soak-service";
    // Page loads before the browser page (and its context) is replaced: Playwright keeps each context's requests in
    // this process, which would count against the app's memory.
    private const int LoadsPerPage = 100;
    private const int WarmupSeconds = 210;
    private static readonly TimeSpan WriteEvery = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<string> RunAsync(Action<string> progress)
    {
        await using var session = await BrowserSession.StartAsync();
        progress($"soak: seeding {Credentials:#,0} credentials");
        await SampleCredentials.SeedAsync(session.Services, Credentials - Mapped, _time);

        // The mapped ones through the domain, each encrypted under its own id, with keys of their own (a service
        // cannot map two values for one key).
        var admin = ConfidantPrincipal.ForUser("bench@example.com");
        var credentials = session.Services.GetRequiredService<CredentialService>();
        var ids = new List<string>();
        for (var i = 0; i < Mapped; i++)
        {
            var created = await credentials.CreateAsync(admin, new CredentialInput { Name = $"soak-mapped-{i}", Pairs = TestData.Pairs(SampleCredentials.Pairs(Prefix(i))) });
            ids.Add(created.Item.Id);
        }

        await session.Services.GetRequiredService<ServiceMappingService>()
            .PutAsync(admin, ServiceId, new ServiceMappingInput { Credentials = ids });
        await session.SignInAsync("bench@example.com");

        var total = TimeSpan.FromSeconds(options.SoakSeconds);
        // Long enough for what is kept for a bounded time to reach its steady amount: Blazor keeps a circuit left
        // without a goodbye for 3 minutes (DisconnectedCircuitRetentionPeriod), and each page load leaves one.
        var warmup = TimeSpan.FromSeconds(Math.Min(WarmupSeconds, options.SoakSeconds / 2.0));
        using var stop = new CancellationTokenSource();
        var counts = new long[3];
        var pause = new SoakPause(workers: 3, _time);
        progress($"soak: {warmup.TotalSeconds:0} s of warm-up, then {total.TotalSeconds:0} s measured");
        Task[] workers =
        [
            ReadsAsync(session, pause, counts, stop.Token),
            WritesAsync(session, pause, ids, counts, stop.Token),
            PageLoadsAsync(session, pause, counts, stop.Token),
        ];
        // Before the stop, a worker ends only by failing; the others would then wait at the next pause for good, so
        // the samples watch for the first one to end, not for all of them.
        var firstEnded = Task.WhenAny(workers).Unwrap();

        // Every sample holds the three workers between two operations (a page load only once its sidebar lists
        // everything), so it counts what the process keeps, not what one operation has in flight. Start and end are
        // each the median of a few such samples, the work running between them.
        await Task.Delay(warmup, _time);
        var countsAtStart = counts.ToArray();
        var memory = new SoakMemory(pause, firstEnded, _time);
        var start = await memory.MedianAsync();
        progress($"soak: start: working set {start.WorkingSetMb:0} MB, GC heap {start.HeapMb:0} MB, GC committed {start.CommittedMb:0} MB");
        var endSamplesAt = total - SoakMemory.MedianSpan;
        while (memory.Elapsed < endSamplesAt && !firstEnded.IsCompleted)
        {
            var next = TimeSpan.FromSeconds(30) < endSamplesAt - memory.Elapsed ? TimeSpan.FromSeconds(30) : endSamplesAt - memory.Elapsed;
            await Task.WhenAny(firstEnded, Task.Delay(next, _time));
            if (!firstEnded.IsCompleted && memory.Elapsed < endSamplesAt)
            {
                var now = await memory.TakeAsync();
                progress($"soak: {now.At.TotalSeconds:0} s: working set {now.WorkingSetMb:0} MB, GC heap {now.HeapMb:0} MB, GC committed {now.CommittedMb:0} MB, {counts[0] - countsAtStart[0]:#,0} reads, {counts[1] - countsAtStart[1]:#,0} writes, {counts[2] - countsAtStart[2]:#,0} page loads");
            }
        }

        var end = await memory.MedianAsync();
        var seconds = memory.Elapsed.TotalSeconds;
        var done = counts.Select((c, i) => c - countsAtStart[i]).ToArray();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var workingSetGrowth = (end.WorkingSetMb / start.WorkingSetMb) - 1;
        var heapGrowth = (end.HeapMb / start.HeapMb) - 1;
        List<string> lines =
        [
            MarkdownReport.Invariant($"Soak: {seconds:0} s measured after {warmup.TotalSeconds:0} s of warm-up, {Credentials:#,0} credentials, one service mapping {Mapped}; service reads, an update of a mapped credential every {WriteEvery.TotalMilliseconds:0} ms and full page loads, all at once."),
            string.Empty,
            "| | Working set | GC heap (after a full collection) | GC committed |",
            "|---|--:|--:|--:|",
            MarkdownReport.Invariant($"| Start | {start.WorkingSetMb:0.0} MB | {start.HeapMb:0.0} MB | {start.CommittedMb:0.0} MB |"),
            MarkdownReport.Invariant($"| End | {end.WorkingSetMb:0.0} MB | {end.HeapMb:0.0} MB | {end.CommittedMb:0.0} MB |"),
            MarkdownReport.Invariant($"| Growth | **{workingSetGrowth:+0.0%;-0.0%}** | **{heapGrowth:+0.0%;-0.0%}** | {(end.CommittedMb / start.CommittedMb) - 1:+0.0%;-0.0%} |"),
            MarkdownReport.Invariant($"| Trend (least squares over {memory.SampleCount} samples) | {memory.SlopeMbPerMinute(s => s.WorkingSetMb):+0.00;-0.00} MB/min | {memory.SlopeMbPerMinute(s => s.HeapMb):+0.00;-0.00} MB/min | |"),
            string.Empty,
            MarkdownReport.Invariant($"- Done while measured: {done[0]:#,0} service reads ({done[0] / seconds:0}/s), {done[1]:#,0} credential updates, {done[2]:#,0} page loads ({done[2] / seconds:0.0}/s); the work was held {pause.Paused.TotalSeconds:0.0} s in all for the samples"),
            MarkdownReport.Invariant($"- Growth target ≤ 10 %: working set {Verdict(workingSetGrowth <= 0.10)}, GC heap {Verdict(heapGrowth <= 0.10)}"),
            "- Every sample is taken with the reads, writes and page loads held between two operations, after aggressive, compacting collections; start and end are each the median of three samples 5 s apart, the trend is over every sample (those and the one every 30 s).",
            "- Working set and GC heap are this process's: the app server and the harness (Chromium runs in its own processes).",
        ];
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string Prefix(int i) => string.Create(CultureInfo.InvariantCulture, $"c{i}_");

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    // A workload polling its service, one read at a time (the domain call GET /v1/services/<id> makes).
    private static async Task ReadsAsync(BrowserSession session, SoakPause pause, long[] counts, CancellationToken stop)
    {
        var mappings = session.Services.GetRequiredService<ServiceMappingService>();
        var workload = ConfidantPrincipal.ForService(ServiceId);
        while (!stop.IsCancellationRequested)
        {
            await pause.CheckpointAsync();
            await mappings.GetAsync(workload, ServiceId, cancellationToken: CancellationToken.None);
            Interlocked.Increment(ref counts[0]);
        }
    }

    // A person changing a mapped credential's values now and then, through the domain (ACL, audit, a new revision, the generation moved).
    private static async Task WritesAsync(BrowserSession session, SoakPause pause, List<string> ids, long[] counts, CancellationToken stop)
    {
        var credentials = session.Services.GetRequiredService<CredentialService>();
        var admin = ConfidantPrincipal.ForUser("bench@example.com");
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            await pause.CheckpointAsync();
            var i = n++ % ids.Count;
            await credentials.UpdateAsync(admin, ids[i], new CredentialInput { Pairs = TestData.Pairs(SampleCredentials.Pairs(Prefix(i))) }, CancellationToken.None);
            Interlocked.Increment(ref counts[1]);
            try
            {
                await Task.Delay(WriteEvery, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // Full loads of the home page with its sidebar, each a new circuit, until the whole catalogue is listed; a pause
    // holds it between two loads, so the browser is done and the circuit idle.
    private static async Task PageLoadsAsync(BrowserSession session, SoakPause pause, long[] counts, CancellationToken stop)
    {
        var full = string.Create(CultureInfo.InvariantCulture, $"{Credentials + 1} of {Credentials + 1}");
        for (var loads = 1; !stop.IsCancellationRequested; loads++)
        {
            await pause.CheckpointAsync();
            if (loads % LoadsPerPage == 0)
            {
                await session.RenewPageAsync();
            }

            await session.Page.GotoAsync(session.BaseUrl + "/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await session.Page.WaitForFunctionAsync(
                "full => (document.querySelector('#sidebar-count')?.textContent ?? '').replace(/\\s+/g, ' ').trim() === full && document.querySelector('#circuit[data-interactive=true]') !== null",
                full,
                new PageWaitForFunctionOptions { PollingInterval = 20, Timeout = 120_000 });
            Interlocked.Increment(ref counts[2]);
        }
    }
}
