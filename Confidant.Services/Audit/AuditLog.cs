using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Confidant.Services.Authorization;

namespace Confidant.Services.Audit;

/// <summary>
/// Records audit events with group commit: concurrent callers are written together in one append, and each caller
/// waits until its own event is stored. A reveal is therefore never shown unless its record is durable, while many
/// concurrent reads share one write.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly IAuditStore _store;
    private readonly TimeProvider _time;
    private readonly Channel<(AuditEvent Event, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(AuditEvent, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _writer;
    private long _lastTicks;

    public AuditLog(IAuditStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records what <paramref name="caller"/> did; completes once the event is stored.</summary>
    public Task RecordAsync(
        ConfidantPrincipal caller,
        string action,
        string resourceType,
        string resourceId,
        int? revision,
        string? via = null,
        CancellationToken cancellationToken = default) =>
        RecordManyAsync(caller, action, resourceType, [(resourceId, revision)], via, cancellationToken);

    /// <summary>Records one act on several resources (for example the credentials of one service read).</summary>
    public async Task RecordManyAsync(
        ConfidantPrincipal caller,
        string action,
        string resourceType,
        IEnumerable<(string Id, int? Revision)> resources,
        string? via = null,
        CancellationToken cancellationToken = default)
    {
        var pending = new List<Task>();
        foreach (var (id, revision) in resources)
        {
            var now = NextTime();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var audit = new AuditEvent
            {
                Id = NewId(now),
                Time = now,
                Action = action,
                ResourceType = resourceType,
                ResourceId = id,
                Revision = revision,
                Actor = caller.Name,
                ActorType = caller.UserType,
                Subject = caller.Subject,
                Email = caller.Email,
                Address = caller.Address,
                Via = via,
            };
            if (!_queue.Writer.TryWrite((audit, done)))
            {
                throw new InvalidOperationException("The audit log is shut down.");
            }

            pending.Add(done.Task);
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Now, but always at least a microsecond after the previous event of this process, so that ids (which start with
    /// the time) order events exactly as they were recorded.
    /// </summary>
    private DateTimeOffset NextTime()
    {
        var now = _time.GetUtcNow().UtcTicks;
        now -= now % 10;
        while (true)
        {
            var last = Interlocked.Read(ref _lastTicks);
            var next = Math.Max(now, last + 10);
            if (Interlocked.CompareExchange(ref _lastTicks, next, last) == last)
            {
                return new DateTimeOffset(next, TimeSpan.Zero);
            }
        }
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(query, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The writer loop was started by this instance and ends once the queue is drained.
        await _writer;
#pragma warning restore VSTHRD003
    }

    /// <summary>Time-ordered ids: <c>yyyyMMddHHmmssffffff-</c> followed by 16 random hex digits.</summary>
    public static string NewId(DateTimeOffset time) =>
        time.UtcDateTime.ToString(AuditPageToken.TimeFormat, CultureInfo.InvariantCulture) + "-"
        + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private async Task WriteLoopAsync()
    {
        var batch = new List<(AuditEvent Event, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await _store.AppendAsync(batch.Select(b => b.Event).ToList());
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // The callers see the failure: a reveal whose record could not be stored is not shown.
                batch.ForEach(b => b.Done.TrySetException(error));
            }

            batch.Clear();
        }
    }
}
