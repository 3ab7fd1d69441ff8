using Confidant.Services.Exposure;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>fingerprints backfill [--dry-run]</c>: gives every credential revision written before value fingerprints were kept
/// (or under another fingerprint key) its fingerprints, paced at <c>Exposure:BackfillItemsPerSecond</c>, so that the
/// blast radius of an exposure finds every credential holding the same value. <c>--dry-run</c> only counts the
/// credentials whose current values have none. Exit 0 when every revision has its fingerprints, 1 naming those that
/// could not be read.
/// </summary>
public static class FingerprintsBackfillCommand
{
    private const string Usage = "usage: fingerprints backfill [--dry-run]";

    public static CommandVerb Verb { get; } = new(
        ["fingerprints", "backfill"],
        Usage,
        "Fingerprints the values of credential revisions written before fingerprints were kept, paced; --dry-run counts them.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandArguments.Parse(args, 2, [], ["--dry-run"]);
        if (options is null)
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        var backfill = services.GetRequiredService<FingerprintBackfill>();
        BackfillResult result;
        try
        {
            await CommandStartup.PrepareStoresAsync(services);
            if (options.Has("--dry-run"))
            {
                await output.WriteLineAsync($"fingerprints backfill: {await backfill.CountMissingAsync()} credentials not yet fingerprinted");
                return 0;
            }

            result = await backfill.RunAsync(
                CallerOrigins.ForCommand(Verb.Name),
                progress => output.WriteLineAsync($"fingerprints backfill: {progress.Fingerprinted} revisions fingerprinted so far"));
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || CommandStartup.IsItemFailure(failure))
        {
            await error.WriteLineAsync($"fingerprints backfill: stopped: {failure.Message}");
            return 1;
        }

        foreach (var id in result.FailedIds)
        {
            await error.WriteLineAsync($"fingerprints backfill: {id} could not be decrypted; it stays without fingerprints");
        }

        var summary = $"fingerprints backfill: {result.Fingerprinted} revisions fingerprinted, {result.AlreadyDone} already, {result.Failed} failed";
        await (result.Failed == 0 ? output : error).WriteLineAsync(summary);
        return result.Failed == 0 ? 0 : 1;
    }
}
