using System.Diagnostics;

namespace Confidant.Bench.Scenarios;

/// <summary>
/// The soak's memory samples over its measured time, each taken with the workers held by <see cref="SoakPause"/>, so
/// that it counts what the process keeps and not an operation's objects in flight. Start and end are medians of a few
/// such samples; every sample also feeds the least-squares trend, the figure a leak shows in.
/// </summary>
internal sealed class SoakMemory(SoakPause pause, Task workerEnded, TimeProvider time)
{
    private const int MedianOf = 3;
    private static readonly TimeSpan Between = TimeSpan.FromSeconds(5);

    private readonly long _origin = time.GetTimestamp();
    private readonly List<Sample> _samples = [];

    /// <summary>How long <see cref="MedianAsync"/> takes, apart from its pauses.</summary>
    public static TimeSpan MedianSpan => Between * (MedianOf - 1);

    /// <summary>Time since the measurement began (this object's creation).</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(_origin);

    /// <summary>How many samples the trend is over.</summary>
    public int SampleCount => _samples.Count;

    /// <summary>One sample, with the workers held from before the collections until after the readings.</summary>
    public async Task<Sample> TakeAsync()
    {
#pragma warning disable VSTHRD003 // The scenario's workers: the pause only watches for one of them failing.
        var sample = await pause.WhileIdleAsync(() => Sample.Take(Elapsed), workerEnded);
#pragma warning restore VSTHRD003
        _samples.Add(sample);
        return sample;
    }

    /// <summary>Each figure's median over a few samples, <see cref="Between"/> apart, the work running in between.</summary>
    public async Task<Sample> MedianAsync()
    {
        var taken = new List<Sample>();
        for (var i = 0; i < MedianOf; i++)
        {
            if (i > 0)
            {
                await Task.Delay(Between, time);
            }

            taken.Add(await TakeAsync());
        }

        double Median(Func<Sample, double> figure) => taken.Select(figure).Order().ElementAt(MedianOf / 2);
        return new Sample(taken[MedianOf / 2].At, Median(s => s.WorkingSetMb), Median(s => s.HeapMb), Median(s => s.CommittedMb));
    }

    /// <summary>The least-squares slope of one figure over every sample, in MB per minute.</summary>
    public double SlopeMbPerMinute(Func<Sample, double> figure)
    {
        var meanMinutes = _samples.Average(s => s.At.TotalMinutes);
        var meanMb = _samples.Average(figure);
        var covariance = _samples.Sum(s => (s.At.TotalMinutes - meanMinutes) * (figure(s) - meanMb));
        var variance = _samples.Sum(s => Math.Pow(s.At.TotalMinutes - meanMinutes, 2));
        return covariance / variance;
    }

    /// <summary>
    /// One reading, taken after aggressive, compacting collections, which also hand the GC's free memory back to the
    /// system: the working set then counts what the process holds, not what the GC keeps at hand for the next
    /// allocations.
    /// </summary>
    public sealed record Sample(TimeSpan At, double WorkingSetMb, double HeapMb, double CommittedMb)
    {
        public static Sample Take(TimeSpan at)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            using var process = Process.GetCurrentProcess();
            return new Sample(
                at,
                process.WorkingSet64 / 1_048_576.0,
                GC.GetTotalMemory(forceFullCollection: false) / 1_048_576.0,
                GC.GetGCMemoryInfo().TotalCommittedBytes / 1_048_576.0);
        }
    }
}
