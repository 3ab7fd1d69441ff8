namespace Confidant.Bench.Harness;

/// <summary>
/// One side of a comparison: how many timed operations it gets, the operation (given the iteration number), and
/// optionally a counter of the key-service calls the operation causes and the number of untimed warm-up operations
/// (by default a tenth of the iterations, at least 20; slow operations such as a page load need fewer).
/// </summary>
internal sealed record Variant(string Name, int Iterations, Func<int, Task> Operation, Func<long>? KmsCalls = null, int? Warmup = null);
