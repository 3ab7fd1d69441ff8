using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Confidant.Services.Audit;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbAuditStoreTests(DynaliteFixture dynalite) : AuditStoreContract(new DynamoDbAuditBacking(dynalite))
{
    [Fact]
    public async Task Initialize_MissingTableWithoutCreate_FailsNamingTheTable()
    {
        var store = new DynamoDbAuditStore(dynalite.Client, "no-such-audit-table", createTable: false, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("'no-such-audit-table' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:DynamoDb:AuditTable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_TableGone_Unavailable()
    {
        var log = NewLog(new DynamoDbAuditStore(dynalite.Client, "no-such-audit-table", createTable: false, TimeProvider.System));

        var error = await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1)));

        Assert.Equal(AuditUnavailableException.DefaultMessage, error.Message);
    }

    [Fact]
    public async Task Record_DynamoDbNeverAnswers_UnavailableWithinTheTimeout()
    {
        // A listener that accepts connections and never answers: a DynamoDB endpoint that hangs.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonDynamoDBConfig { ServiceURL = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var log = NewLog(new DynamoDbAuditStore(client, Backing is DynamoDbAuditBacking b ? b.Table : "audit", createTable: false, TimeProvider.System),
            configure: o => o.AppendTimeoutSeconds = 1, time: TimeProvider.System);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1)));

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Append_BlockOverTheItemLimit_RefusedWhole()
    {
        var log = NewLog();
        await log.RecordAsync(Reveal(Person("alice@example.com"), "c1", 1));
        var head = (await Store.HeadAsync(log.CurrentChainId!))!;
        // Random text compresses little: the block item is over DynamoDB's 400 KB limit.
        var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(450_000));
        var huge = new AuditRecord(head.ChainId, head.Sequence + 1, head.Time.AddTicks(10), Reveal(Person("alice@example.com"), "c2", 1) with { Detail = noise }, [], head.Hash, string.Empty);
        huge = huge with { Hash = new AuditCanonical().HashOf(huge) };

        await Assert.ThrowsAsync<AmazonDynamoDBException>(() => Backing.Open().AppendAsync([huge]));

        Assert.Equal(head.Hash, (await Backing.Open().HeadAsync(head.ChainId))!.Hash);
    }
}
