using System.Diagnostics;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Audit.Sqlite;
using Confidant.Tests.Support.Audit;
using Microsoft.Data.Sqlite;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

public sealed class SqliteAuditStoreTests() : AuditStoreContract(new SqliteAuditBacking())
{
    private SqliteAuditBacking File => (SqliteAuditBacking)Backing;

    [Fact]
    public async Task Append_FailsAfterTheBlockRow_NothingOfTheBlockIsStored()
    {
        var log = NewLog();
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        var head = (await Store.HeadAsync(log.CurrentChainId!))!;
        // The access summary is written after the block row, in the same transaction.
        await ExecuteAsync("CREATE TRIGGER full_disk BEFORE INSERT ON audit_set_resources WHEN NEW.resource_id = 'poison' BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
        var block = Block(head, "c2", "poison", "c3");

        await Assert.ThrowsAsync<SqliteException>(() => Store.AppendAsync(block));
        var failed = await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Reveal(Person("alice@example.com"), "poison", 1)));
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c4", 1));

        Assert.Equal(AuditUnavailableException.DefaultMessage, failed.Message);
        Assert.Equal(head.Hash, (await Store.HeadAsync(head.ChainId))!.Hash);
        Assert.DoesNotContain(await AllAsync(), r => r.Entry.ResourceId is "c2" or "poison" or "c3");
        Assert.NotEqual(head.ChainId, log.CurrentChainId);
        Assert.True((await VerifyAsync()).Passed);
    }

    [Fact]
    public async Task Record_DatabaseLockedByAnotherWriter_UnavailableWithinTheTimeout()
    {
        var log = NewLog(configure: o => o.AppendTimeoutSeconds = 1, time: TimeProvider.System);
        await using var holder = new SqliteConnection($"Data Source={File.DatabasePath};Pooling=False");
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1)));

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Initialize_FileOfTheEarlierRowLayout_RecordsPackedIntoBlocksAsTheyWere()
    {
        var log = NewLog();
        await log.RecordAsync(ServiceRead(Workload("billing"), "billing", ("c1", 1), ("c2", 1)));
        await log.RecordAsync(ServiceRead(Workload("billing"), "billing", ("c1", 1), ("c2", 1)));
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        await log.CloseAsync();
        var chainId = log.CurrentChainId!;
        var records = await ChainAsync(chainId);
        await ToEarlierRowLayoutAsync(records);

        var store = Backing.Open();
        await store.InitializeAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        var later = NewLog(store);
        await later.RecordAsync(ServiceRead(Workload("billing"), "billing", ("c1", 1), ("c2", 1)));

        Assert.Equal(records.Select(r => (r.Sequence, r.Hash)), (await ChainAsync(chainId)).Select(r => (r.Sequence, r.Hash)));
        var verification = await VerifyAsync();
        Assert.True(verification.Passed, string.Join("; ", verification.Problems));
        var found = await AllAsync(new AuditQuery(ResourceId: "c1"));
        Assert.Equal(["service_read", "reveal", "service_read", "service_read"], found.Select(r => r.Entry.Action));
        Assert.Empty(found[0].Flags);
        var access = await store.AccessAsync("credential", "c1");
        Assert.Equal([("billing", 3L), ("alice@example.com", 1L)], access.Select(a => (a.ActorName, a.Count)));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name IN ('audit_records', 'audit_record_resources', 'audit_access')"));
    }

    [Fact]
    public async Task Append_Continuously_WriteAheadLogIsRestartedBeside()
    {
        var store = (SqliteAuditStore)Backing.Open();
        var head = await OpenChainAsync(store);
        var wal = new FileInfo(File.DatabasePath + "-wal");
        for (var i = 1; i < SqliteWalCheckpointer.AppendsPerCheckpoint; i++)
        {
            head = await AppendOneAsync(store, head, i);
        }

        wal.Refresh();
        var beforeFirstCheckpoint = wal.Length;
        for (var i = 0; i < 9 * SqliteWalCheckpointer.AppendsPerCheckpoint; i++)
        {
            head = await AppendOneAsync(store, head, i);
        }

        await store.DisposeAsync();

        // Unchecked, the log would hold ten rounds of appends. Appends go on during the passive copy, and on a busy
        // machine the checkpoint may start late, but appends wait for one two rounds behind: three rounds at most.
        // (Closed by the last connection, the log is copied in and removed.)
        wal.Refresh();
        Assert.InRange(wal.Exists ? wal.Length : 0, 0, 4 * beforeFirstCheckpoint);
        Assert.Equal(head.Sequence, (await ChainAsync(head.ChainId)).Count);
        Assert.True((await VerifyAsync()).Passed);
    }

    // The layout before blocks: one row per record, a row per delivered resource, an access summary per resource.
    private async Task ToEarlierRowLayoutAsync(IReadOnlyList<AuditRecord> records)
    {
        await ExecuteAsync("""
            DELETE FROM audit_blocks; DELETE FROM audit_item_sets; DELETE FROM audit_set_resources; DELETE FROM audit_set_access;
            CREATE TABLE audit_records (
                chain_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,
                action TEXT NOT NULL, outcome TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, revision INTEGER,
                items TEXT, via TEXT, detail TEXT,
                actor_name TEXT NOT NULL, actor_type TEXT NOT NULL, actor_subject TEXT, actor_email TEXT, actor_account TEXT,
                auth_method TEXT NOT NULL, channel TEXT NOT NULL, route TEXT NOT NULL, address TEXT, user_agent TEXT, request_id TEXT,
                flags TEXT, witnesses TEXT, previous_hash BLOB NOT NULL, hash BLOB NOT NULL,
                PRIMARY KEY (chain_id, seq)
            ) WITHOUT ROWID;
            CREATE TABLE audit_record_resources (
                resource_id TEXT NOT NULL, time INTEGER NOT NULL, chain_id TEXT NOT NULL, seq INTEGER NOT NULL,
                PRIMARY KEY (resource_id, time, chain_id, seq)
            ) WITHOUT ROWID;
            CREATE TABLE audit_access (
                resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, actor_type TEXT NOT NULL, actor_name TEXT NOT NULL,
                account TEXT NOT NULL, revision INTEGER NOT NULL, count INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                PRIMARY KEY (resource_type, resource_id, actor_type, actor_name, account, revision)
            ) WITHOUT ROWID;
            """);
        await using var connection = new SqliteConnection($"Data Source={File.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        foreach (var record in records)
        {
            var (entry, actor, origin) = (record.Entry, record.Entry.Actor, record.Entry.Origin);
            object?[] values =
            [
                record.ChainId, record.Sequence, AuditCanonical.Microseconds(record.Time), entry.Action, entry.Outcome, entry.ResourceType,
                entry.ResourceId, entry.Revision, entry.Items.Count == 0 ? null : JsonSerializer.Serialize(entry.Items.Select(i => new object?[] { i.ResourceType, i.Id, i.Revision })),
                entry.Via, entry.Detail, actor.Name, actor.Type, actor.Subject, actor.Email, actor.Account, actor.AuthMethod, origin.Channel,
                origin.Route, origin.Address, origin.UserAgent, origin.RequestId, record.Flags.Count == 0 ? null : JsonSerializer.Serialize(record.Flags),
                record.Witnesses.Count == 0 ? null : JsonSerializer.Serialize(record.Witnesses.Select(w => new object[] { w.ChainId, w.Sequence, w.Hash })),
                Convert.FromHexString(record.PreviousHash), Convert.FromHexString(record.Hash),
            ];
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO audit_records VALUES ({string.Join(", ", values.Select((_, i) => $"$p{i}"))})";
            for (var i = 0; i < values.Length; i++)
            {
                insert.Parameters.AddWithValue($"$p{i}", values[i] ?? DBNull.Value);
            }

            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task<AuditRecord> OpenChainAsync(SqliteAuditStore store)
    {
        var opened = AuditCanonical.Truncate(TimeProvider.System.GetUtcNow());
        var chainId = AuditChainId.New(opened);
        await store.CreateChainAsync(new AuditChain(chainId, opened, "test"));
        var open = new AuditRecord(chainId, 1, opened, AuditChainWriter.System(AuditActions.ChainOpen, chainId, "test"), [], AuditCanonical.GenesisHash, string.Empty);
        open = open with { Hash = new AuditCanonical().HashOf(open) };
        await store.AppendAsync([open]);
        return open;
    }

    private static async Task<AuditRecord> AppendOneAsync(SqliteAuditStore store, AuditRecord head, int revision)
    {
        var next = AuditChainWriter.Follow(new AuditCanonical(), head, Reveal(Person("alice@example.com"), "c1", revision), [], TimeProvider.System);
        await store.AppendAsync([next]);
        return next;
    }

    private static List<AuditRecord> Block(AuditRecord head, params string[] credentials)
    {
        var canonical = new AuditCanonical();
        var records = new List<AuditRecord>();
        var previous = head;
        foreach (var credential in credentials)
        {
            var draft = new AuditRecord(head.ChainId, previous.Sequence + 1, previous.Time.AddTicks(10), Reveal(Person("alice@example.com"), credential, 1), [], previous.Hash, string.Empty);
            previous = draft with { Hash = canonical.HashOf(draft) };
            records.Add(previous);
        }

        return records;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
