using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confidant.Services.Audit;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Services.Audit.Sqlite;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Bench.Scenarios;

/// <summary>What the audit ledger scenario measured, as its own Markdown section, and whether verify met its target.</summary>
internal sealed record AuditLedgerResult(string Markdown, bool VerifyTargetMet);

/// <summary>
/// The audit ledger (docs/decisions/0012-audit-chain.md), through the store port, not HTTP:
/// 1. <c>audit verify</c> (<see cref="AuditVerifier"/>) over a trail generated straight into the store: service reads
///    of 10 credentials, in 4 chains, blocks of 256 records, a checkpoint every 1,000 records, each chain closed;
///    1,000,000 records on SQLite (target: under a minute), fewer on dynalite (records/s reported).
/// 2. DynamoDB write units per 1,000 deliveries, as dynalite reports them (<c>ReturnConsumedCapacity</c>), for group
///    commits of 1, 8 and 64 service reads of 10 credentials: block items, and the access summary's counters written
///    once per 1,000 deliveries (one flush interval), for one service polled again and again and for 1,000 services.
/// </summary>
internal sealed class AuditLedgerScenario(BenchOptions options)
{
    private const int Chains = 4;
    private const int BlockRecords = 256;
    private const int CheckpointEvery = 1000;
    private const int Deliveries = 1000;

    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<AuditLedgerResult> RunAsync(Action<string> progress)
    {
        using var directory = new TempDirectory();
        var keys = new LocalKeyService(directory.File("ring.json"), [], _time, NullLogger<LocalKeyService>.Instance);
        var dynalite = new DynaliteFixture();
        try
        {
            await dynalite.InitializeAsync();
            var rows = new List<string>();
            progress($"audit: generating {options.AuditRecords:N0} records on SQLite");
            var sqlite = new SqliteAuditStore(directory.File("audit.db"), new StorageOptions().CallTimeout, _time);
            var sqliteRow = await GenerateAndVerifyAsync("SQLite file", sqlite, keys, options.AuditRecords, progress);
            rows.Add(sqliteRow.Markdown);
            progress($"audit: generating {options.DynamoAuditRecords:N0} records on dynalite");
            var table = $"audit-bench-{Guid.NewGuid():N}";
            var dynamo = new DynamoDbAuditStore(dynalite.Client, table, createTable: true, _time);
            rows.Add((await GenerateAndVerifyAsync("dynalite over HTTP", dynamo, keys, options.DynamoAuditRecords, progress)).Markdown);
            progress("audit: DynamoDB write units per 1,000 deliveries");
            var units = await WriteUnitsAsync(dynalite);

            var met = sqliteRow.Seconds < 60 || options.AuditRecords < 1_000_000;
            var text = new StringBuilder();
            text.AppendLine("Audit ledger: `audit verify` over a trail written through the store port (service reads of 10 credentials, 4 chains, blocks of 256, a checkpoint every 1,000 records, chains closed)");
            text.AppendLine();
            text.AppendLine("| Backend | Records | Generate | Verify | Verified records/s |");
            text.AppendLine("|---|--:|--:|--:|--:|");
            rows.ForEach(r => text.AppendLine(r));
            text.AppendLine();
            text.AppendLine(Invariant($"- `audit verify` of {options.AuditRecords:N0} records on SQLite: **{sqliteRow.Seconds:0.0} s** (target for 1,000,000: under 60 s: {(options.AuditRecords < 1_000_000 ? "not measured at that size" : met ? "met" : "MISSED")})"));
            text.AppendLine();
            text.AppendLine("DynamoDB write units per 1,000 deliveries (service reads of 10 credentials; dynalite's `ConsumedCapacity`; the access summary's counters flushed once at the end of each workload; figures per 1,000 deliveries)");
            text.AppendLine();
            text.AppendLine("| Records per append | Workload | Block item size | Blocks WCU | Access summary WCU | Total WCU |");
            text.AppendLine("|--:|---|--:|--:|--:|--:|");
            units.ForEach(u => text.AppendLine(u));
            return new AuditLedgerResult(text.ToString(), met);
        }
        finally
        {
            await dynalite.DisposeAsync();
        }
    }

    private async Task<(string Markdown, double Seconds)> GenerateAndVerifyAsync(string backend, IAuditStore store, IKeyService keys, int records, Action<string> progress)
    {
        await store.InitializeAsync();
        var generate = Stopwatch.StartNew();
        var perChain = records / Chains;
        await Task.WhenAll(Enumerable.Range(0, Chains).Select(c => WriteChainAsync(store, keys, c, perChain)));
        generate.Stop();
        progress(Invariant($"audit: {backend}: generated in {generate.Elapsed.TotalSeconds:0.0} s; verifying"));

        var verify = Stopwatch.StartNew();
        var verification = await new AuditVerifier(store, keys).VerifyAsync();
        verify.Stop();
        if (!verification.Passed || verification.Records != Chains * (perChain + 2L))
        {
            throw new InvalidOperationException($"audit verify on {backend} did not pass over the generated trail: {string.Join("; ", verification.Problems)}");
        }

        var seconds = verify.Elapsed.TotalSeconds;
        return (Invariant($"| {backend} | {verification.Records:N0} | {generate.Elapsed.TotalSeconds:0.0} s | **{seconds:0.0} s** | {verification.Records / seconds:N0} |"), seconds);
    }

    // One chain as the ledger writes it: opening record, the reads, closing record; checkpoints as it goes.
    private async Task WriteChainAsync(IAuditStore store, IKeyService keys, int index, int reads)
    {
        var opened = AuditCanonical.Truncate(_time.GetUtcNow());
        var chainId = AuditChainId.New(opened);
        await store.CreateChainAsync(new AuditChain(chainId, opened, $"bench chain {index}"));
        var canonical = new AuditCanonical();
        var state = new AuditChainState(chainId, opened, []);
        using var checkpointer = new AuditCheckpointer(store, keys, new AuditOptions().MacKeyId, _time);
        var open = new AuditRecord(chainId, 1, opened, AuditChainWriter.System(AuditActions.ChainOpen, chainId, "bench"), [], AuditCanonical.GenesisHash, string.Empty);
        var head = open with { Hash = canonical.HashOf(open) };
        var block = new List<AuditRecord> { head };
        for (var i = 0; i <= reads; i++)
        {
            var entry = i < reads ? ServiceRead(index, i) : AuditChainWriter.System(AuditActions.ChainClose, chainId, "bench");
            head = AuditChainWriter.Follow(canonical, head, entry, [], _time);
            block.Add(head);
            if (block.Count == BlockRecords || i == reads)
            {
                await store.AppendAsync(block);
                state.Head = head;
                block.Clear();
            }

            if (state.Uncovered >= CheckpointEvery)
            {
                await checkpointer.CheckpointAsync(state, final: false, default);
            }
        }

        await checkpointer.CheckpointAsync(state, final: true, default);
        await store.MarkChainClosedAsync(chainId, AuditChain.ClosingTime(_time, state.Head));
    }

    private async Task<List<string>> WriteUnitsAsync(DynaliteFixture dynalite)
    {
        var rows = new List<string>();
        // The access summary writes each principal's counter once per flush: its cost per delivery depends on how often a
        // principal is delivered to between two flushes. A workload polling once a minute is delivered to 15 times per
        // flush at the default Audit:AccessFlushSeconds (900 s); once per flush is the worst case (flushes as often as polls).
        var pollsPerFlush = new AuditOptions().AccessFlushSeconds / 60;
        foreach (var (workload, services, rounds) in new[]
        {
            ("one service polled", 1, 1),
            ("1,000 services, each its own principal, one poll per flush", Deliveries, 1),
            (Invariant($"1,000 services, each its own principal, polling once a minute: {pollsPerFlush} polls per flush"), Deliveries, pollsPerFlush),
        })
        {
            foreach (var groupSize in new[] { 1, 8, 64 })
            {
                var table = $"audit-wcu-{Guid.NewGuid():N}";
                var store = new DynamoDbAuditStore(dynalite.Client, table, createTable: true, _time);
                await store.InitializeAsync();
                var chainId = AuditChainId.New(_time.GetUtcNow());
                await store.CreateChainAsync(new AuditChain(chainId, _time.GetUtcNow(), "bench"));
                var canonical = new AuditCanonical();
                var open = new AuditRecord(chainId, 1, AuditCanonical.Truncate(_time.GetUtcNow()), AuditChainWriter.System(AuditActions.ChainOpen, chainId, "bench"), [], AuditCanonical.GenesisHash, string.Empty);
                var head = open with { Hash = canonical.HashOf(open) };
                await store.AppendAsync([head]);

                // Steady state: every (credential, principal) pair was delivered before, so none is a first access.
                await WarmAccessAsync(store, services);
                var before = (store.Units.Blocks, store.Units.Access);
                var blockBytes = 0L;
                var deliveries = Deliveries * rounds;
                for (var sent = 0; sent < deliveries; sent += groupSize)
                {
                    var block = new List<AuditRecord>(groupSize);
                    for (var i = sent; i < Math.Min(deliveries, sent + groupSize); i++)
                    {
                        head = AuditChainWriter.Follow(canonical, head, ServiceRead(0, i % services), [], _time);
                        block.Add(head);
                    }

                    blockBytes += AuditBlock.Encode(block, r => r.Entry.Items.Count >= 2 ? AuditItemSets.IdOf(r.Entry.Items) : null).Compressed.Length;
                    await store.AppendAsync(block);
                }

                await store.FlushAsync();
                var blocks = (store.Units.Blocks - before.Blocks) / rounds;
                var access = (store.Units.Access - before.Access) / rounds;
                var appends = (deliveries + groupSize - 1) / groupSize;
                rows.Add(Invariant($"| {groupSize} | {workload} | {blockBytes / (double)appends:N0} B | {blocks:N0} | {access:N0} | **{blocks + access:N0}** |"));
                await dynalite.Client.DeleteTableAsync(table);
            }
        }

        return rows;
    }

    // One delivery of every pair, flushed, so the measured deliveries find every pair in the summary.
    private async Task WarmAccessAsync(DynamoDbAuditStore store, int services)
    {
        var canonical = new AuditCanonical();
        var chainId = AuditChainId.New(_time.GetUtcNow());
        await store.CreateChainAsync(new AuditChain(chainId, _time.GetUtcNow(), "bench warm-up"));
        var open = new AuditRecord(chainId, 1, AuditCanonical.Truncate(_time.GetUtcNow()), AuditChainWriter.System(AuditActions.ChainOpen, chainId, "bench"), [], AuditCanonical.GenesisHash, string.Empty);
        var head = open with { Hash = canonical.HashOf(open) };
        var block = new List<AuditRecord> { head };
        for (var i = 0; i < services; i++)
        {
            head = AuditChainWriter.Follow(canonical, head, ServiceRead(0, i), [], _time);
            block.Add(head);
            if (block.Count == BlockRecords)
            {
                await store.AppendAsync(block);
                block.Clear();
            }
        }

        await store.AppendAsync(block);
        await store.FlushAsync();
    }

    // A workload's read of its service: the route, a request id, and its 10 credentials (32 hex digits, revisions 1-3).
    private static AuditEntry ServiceRead(int chain, int service)
    {
        var name = Invariant($"service-{chain}-{service:D4}");
        return new AuditEntry
        {
            Action = AuditActions.ServiceRead,
            Outcome = AuditOutcomes.Delivered,
            ResourceType = "service",
            ResourceId = name,
            Via = name,
            Items = [.. Enumerable.Range(0, 10).Select(i => new AuditItem("credential", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Invariant($"{name}/{i}"))))[..32], 1 + (i % 3)))],
            Actor = new AuditActor(name, "service", null, null, null, AuditAuthMethods.KmsAuth),
            Origin = new AuditOrigin(AuditChannels.Rest, "GET /v1/services/{id}", "10.20.30.40", "confidant-client/1.4 python-requests/2.31", Guid.NewGuid().ToString("N")),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
