using Confidant.Services.Audit;
using Confidant.Services.Kms;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>audit verify</c>: walks every chain and checkpoint of the configured audit store through the store port
/// (docs/decisions/0012-audit-chain.md). Exit 0 with what was verified, and per open chain how many records no MAC
/// covers yet; exit 1 naming each chain's first broken record and why, or when the trail cannot be read.
/// </summary>
public static class AuditVerifyCommand
{
    private const string Usage = "usage: audit verify";

    public static CommandVerb Verb { get; } = new(
        ["audit", "verify"],
        Usage,
        "Verifies the audit trail's hash chains and checkpoint MACs; exit 0 if intact, 1 naming the first broken record.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Skip(2).Any(a => !CommandLine.IsSetting(a)))
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        AuditVerification verification;
        try
        {
            // Creates the schema if the file is new (then there is nothing to verify); never opens a chain.
            await services.GetRequiredService<IAuditStore>().InitializeAsync();
            verification = await services.GetRequiredService<AuditVerifier>().VerifyAsync();
        }
        catch (Exception failure) when (failure is KeyServiceException or InvalidOperationException or IOException
            or Amazon.Runtime.AmazonServiceException or Microsoft.Data.Sqlite.SqliteException or HttpRequestException)
        {
            await error.WriteLineAsync($"audit verify: the audit trail could not be verified: {failure.Message}");
            return 1;
        }

        foreach (var chain in verification.Chains.Where(c => !c.Closed && c.Unprotected > 0))
        {
            await output.WriteLineAsync($"chain {chain.ChainId}: open, {chain.Unprotected} of {chain.Records} records after its last checkpoint (not yet bound by a MAC)");
        }

        foreach (var problem in verification.Problems)
        {
            await error.WriteLineAsync($"audit verify: FAILED: chain {problem.ChainId} record {problem.Sequence}: {Describe(problem.Kind)}: {problem.Message}");
        }

        var closed = verification.Chains.Count(c => c.Closed);
        var summary = $"{verification.Records} records in {verification.Chains.Count} chains ({closed} closed, {verification.Chains.Count - closed} open), {verification.Checkpoints} checkpoints";
        if (!verification.Passed)
        {
            await error.WriteLineAsync($"audit verify: {verification.Problems.Count} of {verification.Chains.Count} chains broken; read {summary}");
            return 1;
        }

        await output.WriteLineAsync($"audit verify: OK: {summary} verified");
        return 0;
    }

    private static string Describe(AuditProblemKind kind) => kind switch
    {
        AuditProblemKind.Unreadable => "unreadable",
        AuditProblemKind.Altered => "altered",
        AuditProblemKind.Deleted => "deleted",
        AuditProblemKind.Inserted => "inserted",
        AuditProblemKind.Reordered => "reordered",
        AuditProblemKind.Rehashed => "re-hashed after an edit",
        AuditProblemKind.CheckpointForged => "checkpoint forged",
        AuditProblemKind.CheckpointDeleted => "checkpoint deleted",
        AuditProblemKind.ChainDeleted => "chain deleted",
    };
}
