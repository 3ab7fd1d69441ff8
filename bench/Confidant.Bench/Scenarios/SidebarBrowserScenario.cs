using System.Diagnostics;
using System.Globalization;
using Confidant.Bench.Harness;
using Confidant.Services.Crypto;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Bench.Scenarios;

/// <summary>What the browser scenario measured: the rows, the rendered list rows and the large ÷ small ratios.</summary>
internal sealed record SidebarBrowserResult(
    IReadOnlyList<ResultRow> Rows,
    int SmallCount,
    int LargeCount,
    int SmallDomRows,
    int LargeDomRows,
    double LoadP50Ratio,
    double LoadMeanRatio,
    double KeystrokeP50Ratio,
    double KeystrokeMeanRatio);

/// <summary>
/// The resources sidebar in headless Chromium with few and with many credentials: the real app on Kestrel
/// (<see cref="BrowserSession"/>: embedded defaults, SQLite, local key ring) once per variant, each seeded once and
/// driven by its own browser, the variants alternating in rounds.
/// </summary>
internal sealed class SidebarBrowserScenario(BenchOptions options)
{
    public const int SmallCount = 100;
    public const int LargeCount = 10_000;

    // The count caption without Blazor's whitespace, e.g. "10000 of 10000".
    private const string ReadCount =
        "(document.querySelector('#sidebar-count')?.textContent ?? '').replace(/\\s+/g, ' ').trim()";

    // Resolves on the first DOM mutation after which the count caption differs from what it was when armed.
    private const string ArmCountChange =
        "() => { const read = () => " + ReadCount + "; const before = read();" +
        " window.__benchCountChanged = new Promise(resolve => { const o = new MutationObserver(() => {" +
        " if (read() !== before) { o.disconnect(); resolve(read()); } });" +
        " o.observe(document.body, { subtree: true, childList: true, characterData: true }); }); }";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<SidebarBrowserResult> RunAsync(Action<string> progress)
    {
        await using var small = await BrowserSession.StartAsync();
        await using var large = await BrowserSession.StartAsync();
        progress($"seeding {SmallCount} and {LargeCount} credentials");
        await SeedAsync(small, SmallCount);
        await SeedAsync(large, LargeCount);
        await small.SignInAsync("bench@example.com");
        await large.SignInAsync("bench@example.com");

        var group = "Resources sidebar in headless Chromium";
        var rows = new List<ResultRow>();
        progress("page loads");
        rows.AddRange(await Comparison.RunAsync(
            group + ": page load until the full count shows and the circuit is interactive",
            options.Rounds,
            new Variant(Name(SmallCount), options.PageLoads, _ => LoadAsync(small, SmallCount), Warmup: 2),
            new Variant(Name(LargeCount), options.PageLoads, _ => LoadAsync(large, LargeCount), Warmup: 2)));
        var smallDomRows = await small.Page.Locator("a.sidebar-item").CountAsync();
        var largeDomRows = await large.Page.Locator("a.sidebar-item").CountAsync();

        progress("filter keystrokes");
        rows.AddRange(await KeystrokesAsync(group + ": one filter keystroke until the count changes", small, large));

        return new SidebarBrowserResult(
            rows,
            SmallCount,
            LargeCount,
            smallDomRows,
            largeDomRows,
            rows[1].P50Ms / rows[0].P50Ms,
            rows[1].MeanMs / rows[0].MeanMs,
            rows[3].P50Ms / rows[2].P50Ms,
            rows[3].MeanMs / rows[2].MeanMs);
    }

    private static string Name(int count) => count.ToString("#,0", CultureInfo.InvariantCulture) + " credentials";

    private static string FullCount(int count) => string.Create(CultureInfo.InvariantCulture, $"{count} of {count}");

    // Written straight to the store as the sidebar's component test does: the sidebar only lists, and thousands of
    // domain writes would dominate the run. One real encrypted payload is reused; listing never decrypts it.
    private async Task SeedAsync(BrowserSession session, int count)
    {
        var store = session.Services.GetRequiredService<IConfidantStore>();
        var cipher = session.Services.GetRequiredService<CredentialCipher>();
        var firstId = SampleCredentials.NewId();
        var encrypted = await cipher.EncryptAsync(firstId, SampleCredentials.CredentialPairs());
        for (var i = 0; i < count; i++)
        {
            var id = i == 0 ? firstId : SampleCredentials.NewId();
            var name = string.Create(CultureInfo.InvariantCulture, $"bench-credential-{i:D5}");
            await store.WriteRevisionAsync(SampleCredentials.Item(id, encrypted, RevisionWriter.Now(_time)) with { Name = name });
        }
    }

    // A full load (a new circuit): ready when the sidebar lists everything and the page answers input.
    private static async Task LoadAsync(BrowserSession session, int count)
    {
        await session.Page.GotoAsync(session.BaseUrl + "/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await session.Page.WaitForFunctionAsync(
            "full => " + ReadCount + " === full && document.querySelector('#circuit[data-interactive=true]') !== null",
            FullCount(count),
            new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = (float)StepTimeout.TotalMilliseconds });
    }

    // Types "7" into the focused filter (narrowing: about a third of 10,000 names, a fifth of 100 contain a 7) and
    // times until the count caption changes; Backspace then restores the full list, untimed.
    private async Task<IReadOnlyList<ResultRow>> KeystrokesAsync(string group, BrowserSession small, BrowserSession large)
    {
        (BrowserSession Session, int Count)[] variants = [(small, SmallCount), (large, LargeCount)];
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
