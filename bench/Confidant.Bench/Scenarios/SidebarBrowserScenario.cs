using System.Diagnostics;
using System.Globalization;
using Confidant.Bench.Harness;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Bench.Scenarios;

/// <summary>
/// One catalogue size of the browser scenario: its rows' figures, the first (cold) load, the loads that each follow an
/// update of one credential (p50 wall time, mean CPU) and the rendered list rows.
/// </summary>
internal sealed record SidebarVariantResult(
    int Count, ResultRow Load, ResultRow Keystroke, TimeSpan FirstLoad, TimeSpan FirstLoadCpu, TimeSpan AfterUpdateLoad, TimeSpan AfterUpdateCpu, int DomRows);

/// <summary>What the browser scenario measured: the rows and, per catalogue size, its figures (the first is the baseline).</summary>
internal sealed record SidebarBrowserResult(IReadOnlyList<ResultRow> Rows, IReadOnlyList<SidebarVariantResult> Variants);

/// <summary>
/// The resources sidebar in headless Chromium with few and with many credentials: the real app on Kestrel
/// (<see cref="BrowserSession"/>: embedded defaults, SQLite, local key ring) once per variant, each seeded once and
/// driven by its own browser, the variants alternating in rounds.
/// </summary>
internal sealed class SidebarBrowserScenario(BenchOptions options)
{
    // The count caption without Blazor's whitespace, e.g. "10000 of 10000".
    private const string ReadCount =
        "(document.querySelector('#sidebar-count')?.textContent ?? '').replace(/\\s+/g, ' ').trim()";

    // Resolves on the first DOM mutation after which the count caption differs from what it was when armed.
    private const string ArmCountChange =
        "() => { const read = () => " + ReadCount + "; const before = read();" +
        " window.__benchCountChanged = new Promise(resolve => { const o = new MutationObserver(() => {" +
        " if (read() !== before) { o.disconnect(); resolve(read()); } });" +
        " o.observe(document.body, { subtree: true, childList: true, characterData: true }); }); }";

    private const int LoadsAfterAnUpdate = 5;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<SidebarBrowserResult> RunAsync(Action<string> progress)
    {
        var counts = options.SidebarCredentials;
        var sessions = new List<BrowserSession>();
        try
        {
            foreach (var count in counts)
            {
                var session = await BrowserSession.StartAsync();
                sessions.Add(session);

                // Signed in first: the sign-in lands on a page with the sidebar, which would build the catalogue.
                await session.SignInAsync("bench@example.com");
                progress($"seeding {count:#,0} credentials");
                var seeding = Stopwatch.StartNew();
                await SampleCredentials.SeedAsync(session.Services, count, _time);
                progress($"seeded {count:#,0} credentials in {seeding.Elapsed.TotalSeconds:0.0} s");
            }

            // The first load after seeding builds the catalogue (the writes moved the store generation); timed on its
            // own, then the steady state is measured. The seeding's garbage is the harness's, collected before.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var firsts = new List<(TimeSpan Wall, TimeSpan Cpu)>();
            for (var v = 0; v < counts.Count; v++)
            {
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var wall = Stopwatch.StartNew();
                await LoadAsync(sessions[v], counts[v]);
                firsts.Add((wall.Elapsed, Environment.CpuUsage.TotalTime - cpuBefore));
            }

            var group = "Resources sidebar in headless Chromium";
            progress("page loads");
            var loads = await Comparison.RunAsync(
                group + ": page load until the full count shows and the circuit is interactive",
                options.Rounds,
                [.. counts.Select((count, v) => new Variant(Name(count), options.PageLoads, _ => LoadAsync(sessions[v], count), Warmup: 2))]);
            var domRows = new List<int>();
            foreach (var session in sessions)
            {
                domRows.Add(await session.Page.Locator("a.sidebar-item").CountAsync());
            }

            progress("filter keystrokes");
            var keystrokes = await KeystrokesAsync(group + ": one filter keystroke until the count changes", sessions, counts);

            progress("page loads after an update");
            var afterUpdates = new List<(TimeSpan Wall, TimeSpan Cpu)>();
            for (var v = 0; v < counts.Count; v++)
            {
                afterUpdates.Add(await LoadsAfterAnUpdateAsync(sessions[v], counts[v]));
            }

            return new SidebarBrowserResult(
                [.. loads, .. keystrokes],
                [.. counts.Select((count, v) => new SidebarVariantResult(
                    count, loads[v], keystrokes[v], firsts[v].Wall, firsts[v].Cpu, afterUpdates[v].Wall, afterUpdates[v].Cpu, domRows[v]))]);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
    }

    private static string Name(int count) => count.ToString("#,0", CultureInfo.InvariantCulture) + " credentials";

    private static string FullCount(int count) => string.Create(CultureInfo.InvariantCulture, $"{count} of {count}");

    // A full load (a new circuit): ready when the sidebar lists everything and the page answers input.
    private static async Task LoadAsync(BrowserSession session, int count)
    {
        await session.Page.GotoAsync(session.BaseUrl + "/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await session.Page.WaitForFunctionAsync(
            "full => " + ReadCount + " === full && document.querySelector('#circuit[data-interactive=true]') !== null",
            FullCount(count),
            new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = (float)StepTimeout.TotalMilliseconds });
    }

    // A person's update of one credential through the domain (a rename), then a full load, timed alone: the p50 wall
    // time and the mean CPU of the loads that each follow one. The credential is made through the domain first (the
    // seeded ones are not encrypted under their own ids), and shown once, untimed.
    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> LoadsAfterAnUpdateAsync(BrowserSession session, int count)
    {
        var credentials = session.Services.GetRequiredService<CredentialService>();
        var person = BrowserSession.Person("bench@example.com");
        var created = await credentials.CreateAsync(person, new CredentialInput { Name = "updated-0", Pairs = TestData.Pairs(SampleCredentials.Pairs("u_")) });
        await LoadAsync(session, count + 1);
        var walls = new List<TimeSpan>();
        var cpu = TimeSpan.Zero;
        for (var i = 1; i <= LoadsAfterAnUpdate; i++)
        {
            await credentials.UpdateAsync(person, created.Item.Id, new CredentialInput { Name = $"updated-{i}" });
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var wall = Stopwatch.StartNew();
            await LoadAsync(session, count + 1);
            walls.Add(wall.Elapsed);
            cpu += Environment.CpuUsage.TotalTime - cpuBefore;
        }

        return (walls.Order().ElementAt(walls.Count / 2), cpu / LoadsAfterAnUpdate);
    }

    // Types "7" into the focused filter (narrowing: about a third of 10,000 names, a fifth of 100 contain a 7) and
    // times until the count caption changes; Backspace then restores the full list, untimed.
    private async Task<IReadOnlyList<ResultRow>> KeystrokesAsync(string group, IReadOnlyList<BrowserSession> sessions, IReadOnlyList<int> counts)
    {
        var variants = sessions.Zip(counts, (session, count) => (Session: session, Count: count)).ToArray();
        var perRound = Math.Max(1, (options.Keystrokes + options.Rounds - 1) / options.Rounds);
        var latencies = variants.Select(_ => new List<long>()).ToArray();
        var allocated = new long[variants.Length];
        var cpu = new TimeSpan[variants.Length];
        foreach (var (session, count) in variants)
        {
            await session.Page.FocusAsync("#sidebar-filter");
            for (var i = 0; i < 5; i++)
            {
                await KeystrokeAsync(session, count);
            }
        }

        for (var round = 0; round < options.Rounds; round++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                for (var i = 0; i < perRound; i++)
                {
                    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                    var cpuBefore = Environment.CpuUsage.TotalTime;
                    latencies[v].Add(await KeystrokeAsync(variants[v].Session, variants[v].Count));
                    cpu[v] += Environment.CpuUsage.TotalTime - cpuBefore;
                    allocated[v] += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                }
            }
        }

        // Ops/s of these rows is keystrokes per second of keystroke latency (the untimed clearing left out).
        return variants
            .Select((variant, v) => ResultRow.From(
                group,
                Name(variant.Count),
                [.. latencies[v]],
                latencies[v].Sum(),
                allocated[v],
                cpu[v],
                null))
            .ToList();
    }

    private static async Task<long> KeystrokeAsync(BrowserSession session, int count)
    {
        var page = session.Page;
        await page.EvaluateAsync(ArmCountChange);
        var begin = Stopwatch.GetTimestamp();
        await page.Keyboard.PressAsync("7");
        var shown = await page.EvaluateAsync<string>("() => window.__benchCountChanged").WaitAsync(StepTimeout);
        var ticks = Stopwatch.GetTimestamp() - begin;
        if (!shown.EndsWith(string.Create(CultureInfo.InvariantCulture, $" of {count}"), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The filter of {count} credentials showed '{shown}' instead of a narrowed count.");
        }

        await page.Keyboard.PressAsync("Backspace");
        await page.WaitForFunctionAsync(
            "full => " + ReadCount + " === full",
            FullCount(count),
            new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = (float)StepTimeout.TotalMilliseconds });
        return ticks;
    }
}
