using System.Diagnostics;
using System.Text;
using Confidant.Bench.Harness;
using Confidant.Services.Rekey;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;

namespace Confidant.Bench.Scenarios;

/// <summary>
/// The re-encryption job (docs/decisions/0016-rekey-job.md) over a whole store, through the domain as the server's
/// worker and <c>rekey run</c> work it: credentials with several revisions are written, the master key is rotated, and
/// one job re-wraps every stored data key (KMS <c>ReEncrypt</c>, each item checked before it is written), then a
/// second rotation and a re-key job gives the current revisions fresh data keys. On SQLite with the local key ring and
/// on dynalite with moto's KMS, unpaced (<c>Rekey:KmsCallsPerSecond</c> at its maximum), so the figures are the job's
/// own ceiling; the default pace of 100 calls/s caps a re-wrap at about 50 items/s. The scenario stops if an item
/// fails or is left out.
/// </summary>
internal sealed class RekeyScenario(BenchOptions options)
{
    private const int Revisions = 3;

    public async Task<string> RunAsync(Action<string> progress)
    {
        var rows = new List<string>();
        progress("rekey: SQLite + local key ring");
        rows.AddRange(await MeasureAsync("SQLite file, local key ring", new LocalRekeyBacking(), options.RekeyCredentials));

        var moto = new MotoServerFixture();
        var dynalite = new DynaliteFixture();
        try
        {
            await Task.WhenAll(moto.InitializeAsync(), dynalite.InitializeAsync());
            progress("rekey: dynalite + moto KMS");
            rows.AddRange(await MeasureAsync("dynalite over HTTP, moto KMS over HTTP", new AwsRekeyBacking(dynalite, moto), Math.Max(1, options.RekeyCredentials / 4)));
        }
        finally
        {
            await moto.DisposeAsync();
            await dynalite.DisposeAsync();
        }

        var text = new StringBuilder();
        text.AppendLine(MarkdownReport.Invariant($"Re-encryption job: credentials of one pair with {Revisions} revisions each (every revision and the current item carry a data key), master key rotated, one job over everything, unpaced"));
        text.AppendLine();
        text.AppendLine("| Backend | Mode | Items | Wall time | Items/s | KMS calls/item | CPU/item | Alloc/item |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|");
        rows.ForEach(row => text.AppendLine(row));
        return text.ToString();
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(string backend, RekeyBacking backing, int credentials)
    {
        var settings = await backing.SettingsAsync();
        settings["Rekey:KmsCallsPerSecond"] = "10000";
        await using var host = await DomainHost.StartAsync(settings);
        var seed = await RekeySeed.WriteAsync(host.Services, credentials, Revisions);
        var rows = new List<string>();
        foreach (var mode in new[] { RekeyMode.Rewrap, RekeyMode.Rekey })
        {
            await backing.RotateMasterKeyAsync(host);
            await host.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest(mode));
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Environment.CpuUsage.TotalTime;
            var wall = Stopwatch.StartNew();
            var run = await host.Get<RekeyRunner>().RunAsync(DomainHost.Alice, "bench", null, CancellationToken.None);
            wall.Stop();
            var cpuPerItem = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / seed.Items;
            var allocPerItem = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / seed.Items;
            var job = run.Job ?? throw new InvalidOperationException($"rekey on {backend}: no job ran.");
            if (!job.Succeeded || job.Rewritten != seed.Items)
            {
                throw new InvalidOperationException($"rekey on {backend} ({mode}): {job.Rewritten} of {seed.Items} items rewritten, {job.Failed} failed: {job.Error}");
            }

            rows.Add(MarkdownReport.Invariant(
                $"| {backend} | {mode.ToString().ToLowerInvariant()} | {seed.Items:N0} | {wall.Elapsed.TotalSeconds:0.00} s | **{seed.Items / wall.Elapsed.TotalSeconds:N0}** | {job.KmsCalls / (double)seed.Items:0.00} | {cpuPerItem:0.00} ms | {allocPerItem:0.0} KB |"));
        }

        await seed.AssertEveryRevisionReadsAsync(host.Services);
        return rows;
    }
}
