namespace Confidant.Bench.Harness;

/// <summary>
/// One side of a comparison: how many timed operations it gets, the operation (given the iteration number), and
/// optionally a counter of the key-service calls the operation causes.
/// </summary>
internal sealed record Variant(string Name, int Iterations, Func<int, Task> Operation, Func<long>? KmsCalls = null);
