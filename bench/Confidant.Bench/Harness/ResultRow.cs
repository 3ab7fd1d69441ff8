using System.Diagnostics;

namespace Confidant.Bench.Harness;

/// <summary>
/// One measured variant: latency figures in milliseconds, throughput, and per operation the allocated bytes, the
/// process CPU time (robust against other load on the machine, unlike wall time) and the key-service calls.
/// </summary>
internal sealed record ResultRow(
    string Group,
    string Variant,
    int Operations,
    double MeanMs,
    double P50Ms,
    double P99Ms,
    double OpsPerSecond,
    double AllocatedBytesPerOp,
    double CpuMsPerOp,
    double? KmsCallsPerOp)
{
    /// <summary>Builds a row from per-operation latencies (Stopwatch ticks) and the wall time they took together.</summary>
    public static ResultRow From(
        string group,
        string variant,
        long[] latencyTicks,
        long elapsedTicks,
        long allocatedBytes,
        TimeSpan cpuTime,
        long? kmsCalls)
    {
        if (latencyTicks.Length == 0)
        {
            throw new InvalidOperationException($"{group} / {variant}: no operation completed.");
        }

        var sorted = (long[])latencyTicks.Clone();
        Array.Sort(sorted);
        var ops = sorted.Length;
        return new ResultRow(
            group,
            variant,
            ops,
            Milliseconds(sorted.Average(t => (double)t)),
            Milliseconds(Percentile(sorted, 0.50)),
            Milliseconds(Percentile(sorted, 0.99)),
            ops / (elapsedTicks / (double)Stopwatch.Frequency),
            allocatedBytes / (double)ops,
            cpuTime.TotalMilliseconds / ops,
            kmsCalls is { } calls ? calls / (double)ops : null);
    }

    // Nearest-rank percentile of sorted values.
    private static double Percentile(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Milliseconds(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
