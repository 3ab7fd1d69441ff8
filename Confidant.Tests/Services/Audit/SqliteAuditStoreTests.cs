using System.Diagnostics;
using Confidant.Services.Audit;
using Confidant.Tests.Support.Audit;
using Microsoft.Data.Sqlite;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

public sealed class SqliteAuditStoreTests() : AuditStoreContract(new SqliteAuditBacking())
{
    private SqliteAuditBacking File => (SqliteAuditBacking)Backing;

    [Fact]
    public async Task Append_FailsOnItsSecondRecord_NothingOfTheBlockIsStored()
    {
        var log = NewLog();
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        var head = (await Store.HeadAsync(log.CurrentChainId!))!;
        await ExecuteAsync("CREATE TRIGGER full_disk BEFORE INSERT ON audit_records WHEN NEW.resource_id = 'poison' BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
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

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
