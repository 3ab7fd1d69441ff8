using System.Diagnostics;
using System.Net;

namespace Confidant.Bench.Load;

/// <summary>The outcome of one load run: latency of every successful request, wall time, allocation, CPU, failures.</summary>
internal sealed record LoadRun(long[] LatencyTicks, long ElapsedTicks, long AllocatedBytes, TimeSpan CpuTime, int Failures);

/// <summary>
/// A closed-loop load generator: a fixed number of workers, each sending one GET at a time on its own keep-alive
/// connection for a fixed duration and reading the whole body. A response counts as a success only when it is a 200
/// of the expected length.
/// </summary>
internal static class LoadGenerator
{
    public static HttpClient CreateClient(int workers, string? basicCredentials)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = workers,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        var client = new HttpClient(handler, disposeHandler: true);
        if (basicCredentials is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", basicCredentials);
        }

        return client;
    }

    public static async Task<LoadRun> RunAsync(HttpClient client, Uri target, int expectedLength, int workers, TimeSpan duration)
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(Enumerable.Range(0, workers)
            .Select(_ => Task.Run(() => WorkerAsync(client, target, expectedLength, deadline))));
        var elapsed = Stopwatch.GetTimestamp() - start;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        return new LoadRun(
            results.SelectMany(r => r.Latencies).ToArray(),
            elapsed,
            allocated,
            cpu,
            results.Sum(r => r.Failures));
    }

    private static async Task<(List<long> Latencies, int Failures)> WorkerAsync(HttpClient client, Uri target, int expectedLength, long deadline)
    {
        var latencies = new List<long>(16 * 1024);
        var failures = 0;
        var buffer = new byte[Math.Max(expectedLength, 1024) + 1];
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var begin = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.GetAsync(target, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                var length = 0;
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(Math.Min(length, buffer.Length - 1)))) > 0)
                {
                    length += read;
                }

                if (response.StatusCode == HttpStatusCode.OK && length == expectedLength)
                {
                    latencies.Add(Stopwatch.GetTimestamp() - begin);
                }
                else
                {
                    failures++;
                }
            }
            catch (HttpRequestException)
            {
                failures++;
            }
        }

        return (latencies, failures);
    }
}
