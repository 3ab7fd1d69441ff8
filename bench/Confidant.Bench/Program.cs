using System.Runtime;
using System.Runtime.InteropServices;
using Confidant.Bench;
using Confidant.Bench.Harness;
using Confidant.Bench.Scenarios;
using Confidant.Tests.Support;
using Microsoft.Playwright;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    await Console.Error.WriteLineAsync(error.Message);
    return 2;
}

#if DEBUG
await Console.Error.WriteLineAsync("warning: this is a Debug build; bench/run.sh runs the Release build the figures are meant for.");
#endif

var started = TimeProvider.System.GetUtcNow();
var loadAtStart = LoadAverage();
if (options.Only == "audit")
{
    return await RunAuditOnlyAsync(options, started, loadAtStart);
}

if (options.Only == "api")
{
    return await RunApiOnlyAsync(options, started, loadAtStart);
}

if (options.Only == "rekey")
{
    return await RunRekeyOnlyAsync(options, started, loadAtStart);
}

if (options.Only == "sidebar")
{
    return await RunSidebarOnlyAsync(options, started, loadAtStart);
}

if (options.Only == "soak")
{
    return await RunSoakAsync(options, started, loadAtStart);
}

var rows = new List<ResultRow>();
ApiHotPathResult api;
SidebarBrowserResult sidebar;
AuditLedgerResult audit;
string rekey;
try
{
    rows.AddRange(await RunOutOfProcessScenariosAsync(options));
    Progress("scenario 4: REST API hot path against bare Kestrel");
    api = await new ApiHotPathScenario(options).RunAsync(Progress);
    rows.AddRange(api.Rows);

    // Last, so that the browser and its app do not compete with the HTTP scenario for the cores.
    Progress("scenario 5: resources sidebar in headless Chromium");
    sidebar = await new SidebarBrowserScenario(options).RunAsync(Progress);
    rows.AddRange(sidebar.Rows);
    Progress("scenario 6: audit ledger (verify, DynamoDB write units)");
    audit = await new AuditLedgerScenario(options).RunAsync(Progress);
    Progress("scenario 7: re-encryption job");
    rekey = await new RekeyScenario(options).RunAsync(Progress);
}
catch (Exception error) when (error is InvalidOperationException or IOException or HttpRequestException or TimeoutException or PlaywrightException or Xunit.Sdk.XunitException)
{
    // A server that does not start or a scenario whose self-check fails: no figures rather than wrong ones.
    await Console.Error.WriteLineAsync($"bench failed: {error.Message}");
    return 1;
}

var report = Report(options, started, loadAtStart, rows, api, sidebar) + Environment.NewLine + audit.Markdown + Environment.NewLine + rekey;
Console.WriteLine(report);
var file = ResultsFile();
Directory.CreateDirectory(Path.GetDirectoryName(file)!);
await File.WriteAllTextAsync(file, report);
Progress($"written to {file} in {(TimeProvider.System.GetUtcNow() - started).TotalSeconds:0} s");
if (api.Failures > 0)
{
    await Console.Error.WriteLineAsync($"{api.Failures} HTTP requests failed (non-200 or unexpected length): the figures are not valid.");
    return 1;
}

return 0;

// Scenarios 1-3, with moto (KMS) and dynalite (DynamoDB) running only while they are measured.
static async Task<IReadOnlyList<ResultRow>> RunOutOfProcessScenariosAsync(BenchOptions options)
{
    var rows = new List<ResultRow>();
    using var directory = new TempDirectory();
    var moto = new MotoServerFixture();
    var dynalite = new DynaliteFixture();
    try
    {
        Progress("starting moto (KMS) and dynalite (DynamoDB)");
        await Task.WhenAll(moto.InitializeAsync(), dynalite.InitializeAsync());
        Progress("scenarios 1-2: CredentialCipher encrypt / decrypt");
        rows.AddRange(await new CipherScenarios(options, moto, directory).RunAsync());
        Progress("scenario 3: storage write / read");
        rows.AddRange(await new StoreScenarios(options, dynalite, directory).RunAsync());
    }
    finally
    {
        // Stopped before the HTTP scenario, so that only the measured processes compete for the cores.
        await moto.DisposeAsync();
        await dynalite.DisposeAsync();
    }

    return rows;
}

// Scenario 6 alone (--only audit): it needs neither moto nor Chromium.
static async Task<int> RunAuditOnlyAsync(BenchOptions options, DateTimeOffset started, string loadAtStart)
{
    AuditLedgerResult audit;
    try
    {
        audit = await new AuditLedgerScenario(options).RunAsync(Progress);
    }
    catch (Exception error) when (error is InvalidOperationException or IOException or TimeoutException)
    {
        await Console.Error.WriteLineAsync($"bench failed: {error.Message}");
        return 1;
    }

    var report = MarkdownReport.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC · {RuntimeInformation.FrameworkDescription} · {Environment.ProcessorCount} logical cores · {Configuration()} · load average at start {loadAtStart}")
        + Environment.NewLine + Environment.NewLine + audit.Markdown;
    Console.WriteLine(report);
    var file = ResultsFile();
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    await File.WriteAllTextAsync(file, report);
    return 0;
}

// Scenario 7 alone (--only rekey).
static async Task<int> RunRekeyOnlyAsync(BenchOptions options, DateTimeOffset started, string loadAtStart)
{
    string rekey;
    try
    {
        rekey = await new RekeyScenario(options).RunAsync(Progress);
    }
    catch (Exception error) when (error is InvalidOperationException or IOException or TimeoutException or Xunit.Sdk.XunitException)
    {
        await Console.Error.WriteLineAsync($"bench failed: {error.Message}");
        return 1;
    }

    var report = MarkdownReport.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC · {RuntimeInformation.FrameworkDescription} · {Environment.ProcessorCount} logical cores · {Configuration()} · load average at start {loadAtStart}")
        + Environment.NewLine + Environment.NewLine + rekey;
    Console.WriteLine(report);
    var file = ResultsFile();
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    await File.WriteAllTextAsync(file, report);
    return 0;
}

// Scenario 4 alone (--only api): the REST hot path, with dynalite for its DynamoDB variants.
static async Task<int> RunApiOnlyAsync(BenchOptions options, DateTimeOffset started, string loadAtStart)
{
    ApiHotPathResult api;
    try
    {
        api = await new ApiHotPathScenario(options).RunAsync(Progress);
    }
    catch (Exception error) when (error is InvalidOperationException or IOException or HttpRequestException or TimeoutException)
    {
        await Console.Error.WriteLineAsync($"bench failed: {error.Message}");
        return 1;
    }

    List<string> lines =
    [
        MarkdownReport.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC · {RuntimeInformation.FrameworkDescription} · {Environment.ProcessorCount} logical cores · {Configuration()} · load average at start {loadAtStart}"),
        MarkdownReport.Invariant($"HTTP: {options.Workers} workers × {options.Duration.TotalSeconds:0} s per target after {options.Warmup.TotalSeconds:0} s of warm-up each, alternated in {options.Rounds} rounds."),
        string.Empty,
        MarkdownReport.Table(api.Rows),
        .. HotPathLines(api),
    ];
    var report = string.Join(Environment.NewLine, lines) + Environment.NewLine;
    Console.WriteLine(report);
    var file = ResultsFile();
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    await File.WriteAllTextAsync(file, report);
    return api.Failures > 0 ? 1 : 0;
}

// Per target of the hot path: API ÷ bare, latency and what the audit trail wrote, each against its target.
static IEnumerable<string> HotPathLines(ApiHotPathResult api) =>
[
    .. api.Variants.Select(v => MarkdownReport.Invariant(
        $"- {v.Backend}, response cache {(v.Cached ? "on" : "off")}: API ÷ bare **{v.Ratio:0.000}** (target ≥ {(v.Cached ? 0.5 : 0.2)}: {Verdict(v.Ratio >= (v.Cached ? 0.5 : 0.2))}), p50 {v.Row.P50Ms:0.00} ms, p99 {v.Row.P99Ms:0.00} ms{(v.Cached ? $" (target ≤ 5 ms: {Verdict(v.Row.P99Ms <= 5)})" : string.Empty)}, audit records per request **{v.RecordsPerRequest:0.000}** (target ≥ 1: {Verdict(v.RecordsPerRequest >= 1)}), {v.AppendsPerSecond:#,0} appends/s ({v.RecordsPerRequest * v.Row.OpsPerSecond / Math.Max(v.AppendsPerSecond, 1):0.0} records per append)")),
    .. api.Variants.Where(v => v.Backend == ApiHotPathScenario.RekeyBackend).Select(v => MarkdownReport.Invariant(
        $"- While a re-wrap job runs at the default pace ({api.RekeyRate:0} items/s): API ÷ bare **{v.Ratio:0.000}** against {api.Variants[0].Ratio:0.000} without it, p50 {v.Row.P50Ms:0.00} ms against {api.Variants[0].Row.P50Ms:0.00} ms, p99 {v.Row.P99Ms:0.00} ms against {api.Variants[0].Row.P99Ms:0.00} ms")),
    MarkdownReport.Invariant($"- KMS calls per warm API request: **{api.KmsCallsPerRequest:0.0000}** (target ≤ 0.01: {Verdict(api.KmsCallsPerRequest <= 0.01)}); the first request made {api.FirstRequestKmsCalls} (kmsauth token validation)"),
    MarkdownReport.Invariant($"- Failed HTTP requests: {api.Failures}"),
];

static void Progress(string message) => Console.Error.WriteLine("bench: " + message);

static string Report(BenchOptions options, DateTimeOffset started, string loadAtStart, List<ResultRow> rows, ApiHotPathResult api, SidebarBrowserResult sidebar)
{
    var gc = GCSettings.IsServerGC ? "server GC" : "workstation GC";
    List<string> lines =
    [
        MarkdownReport.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC · {RuntimeInformation.FrameworkDescription} · {RuntimeInformation.OSDescription} · {Environment.ProcessorCount} logical cores · {gc} · {Configuration()} · load average at start {loadAtStart}"),
        MarkdownReport.Invariant($"Micro scenarios: {options.Iterations} timed ops per out-of-process variant, {options.Iterations * options.InProcessFactor} per in-process one, after a warm-up, variants alternated in {options.Rounds} rounds. HTTP: {options.Workers} workers × {options.Duration.TotalSeconds:0} s per target after {options.Warmup.TotalSeconds:0} s of warm-up each, alternated in {options.Rounds} rounds. Browser: {options.PageLoads} page loads and {options.Keystrokes} filter keystrokes per variant, alternated in {options.Rounds} rounds."),
        string.Empty,
        MarkdownReport.Table(rows),
        .. HotPathLines(api),
        "- Wall-time figures (mean, p50, p99, ops/s) move with other load on the machine; CPU/op (process CPU time ÷ ops) moves much less.",
        "- Alloc/op and CPU/op are process-wide over the timed loop ÷ ops; for the HTTP rows they include the in-process load generator.",
        "- Cold decrypt: a data-key cache of 1 entry with 2 credentials read alternately, so every decrypt unwraps its data key at the key service (KMS calls/op = 1).",
        .. SidebarLines(sidebar),
    ];
    return string.Join(Environment.NewLine, lines) + Environment.NewLine;
}

// Scenario 5 alone (--only sidebar): the browser scenario at each --sidebar-credentials size.
static async Task<int> RunSidebarOnlyAsync(BenchOptions options, DateTimeOffset started, string loadAtStart)
{
    SidebarBrowserResult sidebar;
    try
    {
        sidebar = await new SidebarBrowserScenario(options).RunAsync(Progress);
    }
    catch (Exception error) when (error is InvalidOperationException or IOException or TimeoutException or PlaywrightException)
    {
        await Console.Error.WriteLineAsync($"bench failed: {error.Message}");
        return 1;
    }

    List<string> lines =
    [
        MarkdownReport.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC · {RuntimeInformation.FrameworkDescription} · {Environment.ProcessorCount} logical cores · {Configuration()} · load average at start {loadAtStart}"),
        MarkdownReport.Invariant($"Browser: {options.PageLoads} page loads and {options.Keystrokes} filter keystrokes per variant, alternated in {options.Rounds} rounds."),
        string.Empty,
        MarkdownReport.Table(sidebar.Rows),
        .. SidebarLines(sidebar),
    ];
    var report = string.Join(Environment.NewLine, lines) + Environment.NewLine;
    Console.WriteLine(report);
    var file = ResultsFile();
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    await File.WriteAllTextAsync(file, report);
    return 0;
}

// The soak (--only soak): never part of a full run, which it would lengthen by its duration.
static async Task<int> RunSoakAsync(BenchOptions options, DateTimeOffset started, string loadAtStart)
{
    string soak;
    try
    {
        soak = await new SoakScenario(options).RunAsync(Progress);
    }
    catch (Exception error) when (error is InvalidOperationException or IOException or TimeoutException or PlaywrightException)
    {
        await Console.Error.WriteLineAsync($"bench failed: {error.Message}");
        return 1;
    }

    var report = MarkdownReport.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC · {RuntimeInformation.FrameworkDescription} · {Environment.ProcessorCount} logical cores · {Configuration()} · load average at start {loadAtStart}")
        + Environment.NewLine + Environment.NewLine + soak;
    Console.WriteLine(report);
    var file = ResultsFile();
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    await File.WriteAllTextAsync(file, report);
    return 0;
}

// Per catalogue size against the first: load and keystroke ratios, allocation and CPU per load, each against its
// target (the ratio and allocation targets are set for 10,000 credentials; the CPU target for every size).
static IEnumerable<string> SidebarLines(SidebarBrowserResult sidebar)
{
    var baseline = sidebar.Variants[0];
    foreach (var v in sidebar.Variants)
    {
        var loadRatio = v.Load.P50Ms / baseline.Load.P50Ms;
        var keystrokeRatio = v.Keystroke.P50Ms / baseline.Keystroke.P50Ms;
        var allocationMb = v.Load.AllocatedBytesPerOp / 1_000_000.0;
        var targets = v.Count <= 10_000 && v != baseline
            ? $" (target ≤ 1.5×: {Verdict(loadRatio <= 1.5)})"
            : string.Empty;
        string[] parts =
        [
            MarkdownReport.Invariant($"- {v.Count:#,0} credentials: page load p50 {v.Load.P50Ms:0} ms, **{loadRatio:0.00}×** the {baseline.Count:#,0}{targets}"),
            MarkdownReport.Invariant($"allocation per load **{allocationMb:0.0} MB**{(v.Count <= 10_000 ? $" (target ≤ 10 MB: {Verdict(allocationMb <= 10)})" : string.Empty)}"),
            MarkdownReport.Invariant($"CPU per load **{v.Load.CpuMsPerOp:0} ms** (target < 1 s: {Verdict(v.Load.CpuMsPerOp < 1000)})"),
            MarkdownReport.Invariant($"keystroke p50 {v.Keystroke.P50Ms:0.0} ms, **{keystrokeRatio:0.00}×**{(v.Count <= 10_000 && v != baseline ? $" (target ≤ 1.2×: {Verdict(keystrokeRatio <= 1.2)})" : string.Empty)}"),
            MarkdownReport.Invariant($"first load after start (builds the catalogue) {v.FirstLoad.TotalMilliseconds:0} ms, {v.FirstLoadCpu.TotalMilliseconds:0} ms CPU"),
            MarkdownReport.Invariant($"load after an update of one credential p50 {v.AfterUpdateLoad.TotalMilliseconds:0} ms, **{v.AfterUpdateCpu.TotalMilliseconds:0} ms CPU** (target < 1 s: {Verdict(v.AfterUpdateCpu.TotalMilliseconds < 1000)})"),
            MarkdownReport.Invariant($"rows in the DOM {v.DomRows} (virtualised; target < 200: {Verdict(v.DomRows < 200)})"),
        ];
        yield return string.Join("; ", parts);
    }

    yield return "- Sidebar rows: Alloc/op and CPU/op are this process's (the app server), not the browser's; keystroke Ops/s is keystrokes per second of keystroke latency.";
}

// The 1-minute load average (Linux), so a reader can tell a busy machine's figures from a quiet one's.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

static string Verdict(bool met) => met ? "met" : "MISSED";

static string Configuration()
{
#if DEBUG
    return "Debug build";
#else
    return "Release build";
#endif
}

static string ResultsFile()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Confidant.sln")))
        {
            return Path.Combine(directory.FullName, "bench", "results", "latest.md");
        }
    }

    return Path.Combine(AppContext.BaseDirectory, "latest.md");
}
