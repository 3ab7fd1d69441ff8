namespace Confidant.Services.Audit;

/// <summary>A caller of <see cref="AuditLog.RecordAsync"/> waiting for its entry to be durable, until its deadline.</summary>
internal sealed class AuditPending(AuditEntry entry, long deadline)
{
    public AuditEntry Entry { get; } = entry;

    /// <summary>When the caller stops waiting, as a timestamp of the ledger's time provider.</summary>
    public long Deadline { get; } = deadline;

    /// <summary>Completed by <see cref="Release"/> (or by the caller's cancellation), which runs the caller on.</summary>
    public TaskCompletionSource Done { get; } = new();

    public CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>
    /// Answers callers: done, or refused with <paramref name="error"/>. The callers go on where their tasks complete (no
    /// continuation is forced onto a thread of its own): a few thread-pool work items release them all, rather than one
    /// thread-pool hop, and wake-up, per caller, and the writer is free for the next block at once.
    /// </summary>
    public static void Release(IReadOnlyList<AuditPending> batch, Exception? error)
    {
        var parts = Math.Min(batch.Count, Environment.ProcessorCount);
        for (var part = 0; part < parts; part++)
        {
            var callers = new AuditPending[((batch.Count - part - 1) / parts) + 1];
            for (var i = 0; i < callers.Length; i++)
            {
                callers[i] = batch[part + (i * parts)];
            }

            ThreadPool.UnsafeQueueUserWorkItem(
                static state =>
                {
                    foreach (var pending in state.Callers)
                    {
                        pending.Cancellation.Unregister();
                        _ = state.Error is null ? pending.Done.TrySetResult() : pending.Done.TrySetException(state.Error);
                    }
                },
                (Callers: callers, Error: error),
                preferLocal: false);
        }
    }
}
