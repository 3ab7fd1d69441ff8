using System.Diagnostics;

namespace Confidant.Bench.Harness;

/// <summary>
/// Measures the variants of one scenario side by side: a warm-up of each, then alternating rounds (A, B, A, B, …)
/// so that a noisy neighbour or frequency change hits every variant alike. Each operation is timed on its own;
/// allocation is the process-wide count (<see cref="GC.GetTotalAllocatedBytes"/>) over the timed loop divided by
/// the operation count, because async continuations run on pool threads; CPU is the process's CPU time likewise.
/// </summary>
internal static class Comparison
{
    public static async Task<IReadOnlyList<ResultRow>> RunAsync(string group, int rounds, params Variant[] variants)
    {
        var warmups = variants.Select(v => v.Warmup ?? Math.Max(20, v.Iterations / 10)).ToArray();
        for (var v = 0; v < variants.Length; v++)
        {
            for (var i = 0; i < warmups[v]; i++)
            {
                await variants[v].Operation(i);
            }
        }

        // Rounded up, so that a count not divisible by the rounds still gets at least its iterations.
        var perRound = variants.Select(v => Math.Max(1, (v.Iterations + rounds - 1) / rounds)).ToArray();
        var latencies = perRound.Select(n => new long[n * rounds]).ToArray();
        var elapsed = new long[variants.Length];
        var allocated = new long[variants.Length];
        var cpu = new TimeSpan[variants.Length];
        var calls = new long[variants.Length];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (var round = 0; round < rounds; round++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var variant = variants[v];
                var callsBefore = variant.KmsCalls?.Invoke() ?? 0;
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < perRound[v]; i++)
                {
                    var n = (round * perRound[v]) + i;
                    var begin = Stopwatch.GetTimestamp();
                    await variant.Operation(warmups[v] + n);
                    latencies[v][n] = Stopwatch.GetTimestamp() - begin;
                }

                elapsed[v] += Stopwatch.GetTimestamp() - start;
                cpu[v] += Environment.CpuUsage.TotalTime - cpuBefore;
                allocated[v] += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                calls[v] += (variant.KmsCalls?.Invoke() ?? 0) - callsBefore;
            }
        }

        return variants
            .Select((variant, v) => ResultRow.From(
                group,
                variant.Name,
                latencies[v],
                elapsed[v],
                allocated[v],
                cpu[v],
                variant.KmsCalls is null ? null : calls[v]))
            .ToList();
    }
}
