using System.Diagnostics;

namespace Confidant.Tests.Support;

/// <summary>Waits, in real time, for a condition that another thread or process makes true.</summary>
public static class Eventually
{
    /// <summary>Checks <paramref name="condition"/> every 50 ms; fails the test when it is still false after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string? what = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"{what ?? "The condition"} did not hold within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(50);
        }
    }
}
