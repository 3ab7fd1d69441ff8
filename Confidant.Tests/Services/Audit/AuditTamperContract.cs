using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using static Confidant.Tests.Support.Audit.AuditSamples;

namespace Confidant.Tests.Services.Audit;

/// <summary>
/// An attacker with write access to the audit table or file, but not to the key service, edits the trail around the
/// store; <c>audit verify</c> must fail naming the first broken record and why. Run against every backend.
/// </summary>
public abstract class AuditTamperContract(AuditBacking backing) : AuditLedgerTestBase(backing)
{
    [Fact]
    public async Task Untouched_Passes()
    {
        var chainId = await ClosedChainAsync();

        var verification = await VerifyAsync();

        Assert.True(verification.Passed, string.Join("; ", verification.Problems));
        Assert.Equal(22, verification.Records);
        Assert.Equal(chainId, Assert.Single(verification.Chains).ChainId);
    }

    [Fact]
    public async Task FieldChanged_FailsAltered()
    {
        var chainId = await ClosedChainAsync();

        await Backing.ChangeActorAsync(chainId, 7, "mallory@example.com");

        await AssertBrokenAsync(chainId, 7, AuditProblemKind.Altered);
    }

    [Fact]
    public async Task MiddleRecordDeleted_FailsDeleted()
    {
        var chainId = await ClosedChainAsync();

        await Backing.DeleteRecordsAsync(chainId, sequence => sequence == 7);

        await AssertBrokenAsync(chainId, 7, AuditProblemKind.Deleted);
    }

    [Fact]
    public async Task LastRecordsDeletedPastACheckpoint_FailsDeleted()
    {
        var chainId = await ClosedChainAsync();

        var covering = (await Store.ListCheckpointsAsync(chainId)).First(c => c.Sequence >= 20);

        await Backing.DeleteRecordsAsync(chainId, sequence => sequence >= 20);

        var problem = await AssertBrokenAsync(chainId, 20, AuditProblemKind.Deleted);
        Assert.Contains($"checkpoint {covering.Index} covers up to {covering.Sequence}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastRecordsAndFinalCheckpointDeleted_ChainReopened_FailsThroughTheNextChainsWitness()
    {
        var chainId = await ClosedChainAsync();
        Time.Advance(TimeSpan.FromMinutes(1));
        var next = NewLog(Backing.Open());
        await next.RecordAsync(Reveal(Person("bob@example.com"), "c9", 1));
        var covering = (await Store.ListCheckpointsAsync(chainId)).Where(c => c.Sequence >= 20).ToList();

        await Backing.DeleteRecordsAsync(chainId, sequence => sequence >= 20);
        foreach (var checkpoint in covering)
        {
            await Backing.DeleteCheckpointAsync(chainId, checkpoint.Index);
        }

        await Backing.ReopenChainAsync(chainId);

        var problem = await AssertBrokenAsync(chainId, 20, AuditProblemKind.Deleted);
        Assert.Contains(next.CurrentChainId!, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoRecordsSwapped_FailsReordered()
    {
        var chainId = await ClosedChainAsync();

        await Backing.SwapWithNextAsync(chainId, 7);

        await AssertBrokenAsync(chainId, 7, AuditProblemKind.Reordered);
    }

    [Fact]
    public async Task ForgedRecordInserted_FailsInserted()
    {
        var chainId = await ClosedChainAsync();
        var seventh = (await ChainAsync(chainId)).Single(r => r.Sequence == 7);
        var forged = new AuditRecord(chainId, 8, seventh.Time, Reveal(Person("alice@example.com"), "c1", 1), [], seventh.Hash, string.Empty);
        forged = forged with { Hash = new AuditCanonical().HashOf(forged) };

        await Backing.InsertAsync(chainId, 7, forged);

        await AssertBrokenAsync(chainId, 8, AuditProblemKind.Inserted);
    }

    [Fact]
    public async Task RecordDeletedAndChainRehashed_FailsAtTheCheckpoint()
    {
        var chainId = await ClosedChainAsync();
        var canonical = new AuditCanonical();
        var rewritten = new List<AuditRecord>();
        foreach (var record in (await ChainAsync(chainId)).Where(r => r.Sequence != 7))
        {
            // Every later record moves up one place and is re-linked and re-hashed, as anyone can compute SHA-256.
            var previous = rewritten.Count > 0 ? rewritten[^1] : null;
            var moved = record with { Sequence = rewritten.Count + 1, PreviousHash = previous?.Hash ?? AuditCanonical.GenesisHash };
            rewritten.Add(moved with { Hash = canonical.HashOf(moved) });
        }

        await Backing.ReplaceChainAsync(chainId, rewritten);

        var firstCovering = (await Store.ListCheckpointsAsync(chainId)).First(c => c.Sequence >= 7);
        var problem = await AssertBrokenAsync(chainId, firstCovering.Sequence, AuditProblemKind.Rehashed);
        Assert.Contains($"checkpoint {firstCovering.Index}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MiddleCheckpointDeleted_FailsCheckpointDeleted()
    {
        var chainId = await ClosedChainAsync();
        var second = (await Store.ListCheckpointsAsync(chainId))[1];

        await Backing.DeleteCheckpointAsync(chainId, second.Index);

        var problem = Assert.Single((await VerifyAsync()).Problems);
        Assert.Equal(AuditProblemKind.CheckpointDeleted, problem.Kind);
    }

    [Fact]
    public async Task VerifiedWithAnotherKeyRing_CheckpointsDoNotVerify()
    {
        await ClosedChainAsync();
        using var directory = new TempDirectory();
        var otherKeys = new LocalKeyService(directory.File("other.json"), [], TimeProvider.System, NullLogger<LocalKeyService>.Instance);
        await otherKeys.GenerateMacAsync(new AuditOptions().MacKeyId, new byte[] { 1 });

        var verification = await new AuditVerifier(Backing.Open(), otherKeys).VerifyAsync();

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(AuditProblemKind.CheckpointForged, problem.Kind);
        Assert.Contains("checkpoint 1", problem.Message, StringComparison.Ordinal);
    }

    /// <summary>A chain of 22 records (opening, 20 reveals, closing) with checkpoints every 5 and a final one.</summary>
    private async Task<string> ClosedChainAsync()
    {
        var log = NewLog(configure: o => o.CheckpointRecords = 5);
        for (var i = 0; i < 20; i++)
        {
            await log.RecordAsync(Reveal(Person("alice@example.com"), $"c{i % 4}", i + 1));
            if (i % 5 == 4 && i < 15)
            {
                // Checkpoints are made beside the appends; waiting places them before records 7, 12 and 17.
                await CheckpointsAsync(log.CurrentChainId!, atLeast: (i / 5) + 1);
            }
        }

        var chainId = log.CurrentChainId!;
        await log.CloseAsync();
        return chainId;
    }

    private async Task<AuditProblem> AssertBrokenAsync(string chainId, long sequence, AuditProblemKind kind)
    {
        var verification = await VerifyAsync();
        var problem = Assert.Single(verification.Problems);
        Assert.False(verification.Passed);
        Assert.Equal((chainId, sequence, kind), (problem.ChainId, problem.Sequence, problem.Kind));
        Assert.Contains(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.Message, StringComparison.Ordinal);
        return problem;
    }
}
