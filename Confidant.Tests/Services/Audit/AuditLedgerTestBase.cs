using System.Diagnostics;
using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Audit;

/// <summary>
/// What the ledger's contract suites share: a backing (SQLite file or DynamoDB table) given by the derived class,
/// a store on it, a real local key ring for checkpoint MACs, a fake clock, and ledgers that are closed at the end.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Disposed in DisposeAsync (IAsyncLifetime).")]
public abstract class AuditLedgerTestBase(AuditBacking backing) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly List<AuditLog> _logs = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567));

    protected AuditBacking Backing { get; } = backing;

    protected IAuditStore Store { get; private set; } = null!;

    protected IKeyService Keys { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Keys = new LocalKeyService(_directory.File("ring.json"), [], TimeProvider.System, NullLogger<LocalKeyService>.Instance);
        await Backing.CreateAsync();
        Store = Backing.Open();
        await Store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }

        await Backing.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>A ledger on <paramref name="store"/> (the test's store by default), closed when the test ends.</summary>
    protected AuditLog NewLog(IAuditStore? store = null, Action<AuditOptions>? configure = null, TimeProvider? time = null, IKeyService? keys = null)
    {
        var options = new AuditOptions();
        configure?.Invoke(options);
        var log = new AuditLog(store ?? Store, keys ?? Keys, Options.Create(options), time ?? Time, NullLogger<AuditLog>.Instance);
        _logs.Add(log);
        return log;
    }

    protected Task<AuditVerification> VerifyAsync() => new AuditVerifier(Backing.Open(), Keys).VerifyAsync();

    protected async Task<List<AuditRecord>> ChainAsync(string chainId)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Backing.Open().ReadChainAsync(chainId))
        {
            records.Add(record);
        }

        return records;
    }

    protected async Task<List<AuditRecord>> AllAsync(AuditQuery? query = null)
    {
        var all = new List<AuditRecord>();
        var page = (query ?? new AuditQuery()) with { Limit = AuditQuery.MaxLimit };
        do
        {
            var result = await Store.QueryAsync(page);
            all.AddRange(result.Records);
            page = page with { Page = result.NextPage };
        }
        while (page.Page is not null);

        return all;
    }

    /// <summary>Background work (checkpoints, sealing) happens off the callers' path: wait for its effect, in real time.</summary>
    protected static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException($"Still not there after 15 s: {value}");
            }

            await Task.Delay(20);
        }
    }

    protected async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(string chainId, int atLeast) =>
        await EventuallyAsync(() => Store.ListCheckpointsAsync(chainId), list => list.Count >= atLeast);
}
