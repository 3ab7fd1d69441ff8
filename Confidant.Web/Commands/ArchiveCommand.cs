using System.Globalization;
using Confidant.Services.Credentials;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>archive --days N | --ids ID,ID [--dry-run]</c> (spec §9.3, the original's <c>archive_credentials</c>): moves
/// disabled credentials that no service maps, with all their revisions, to the archive. By age: those last modified
/// more than N days ago. Each credential goes through <see cref="CredentialService.ArchiveAsync"/> as the operator,
/// so the rules, the ACL and the audit are those of the API. <c>--dry-run</c> checks and moves nothing.
/// </summary>
public static class ArchiveCommand
{
    public const string Usage = "usage: archive --days N | --ids ID,ID [--dry-run]";

    private const int MaxDays = 36_500;

    public static CommandVerb Verb { get; } = new(
        ["archive"],
        Usage,
        "Archives disabled, unmapped credentials (by id, or unmodified for N days) with all their revisions.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandArguments.Parse(args, 1, ["--days", "--ids"], ["--dry-run"]);
        var ids = options?.List("--ids");
        var daysText = options?.Value("--days");
        var days = 0;
        if (options is null
            || (ids is null) == (daysText is null)
            || (options.Has("--ids") && ids is null)
            || (daysText is not null && (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days > MaxDays)))
        {
            await error.WriteLineAsync($"Give either --ids (a comma-separated list) or --days (0 to {MaxDays}).");
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        var caller = CallerOrigins.ForCommand(Verb.Name);
        var dryRun = options.Has("--dry-run");
        IReadOnlyList<string> targets;
        try
        {
            await CommandStartup.PrepareStoresAsync(services);
            targets = ids ?? await services.GetRequiredService<ArchiveCandidates>().OlderThanAsync(caller, days);
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || CommandStartup.IsItemFailure(failure))
        {
            await error.WriteLineAsync($"archive: {failure.Message}");
            return 1;
        }

        if (ids is null)
        {
            await output.WriteLineAsync($"archive: {targets.Count} credentials disabled, unmapped and unmodified for more than {days} days");
        }

        var credentials = services.GetRequiredService<CredentialService>();
        var refused = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            var id = targets[i];
            try
            {
                await credentials.ArchiveAsync(caller, id, force: !dryRun);
                await output.WriteLineAsync($"[{i + 1}/{targets.Count}] {id}: {(dryRun ? "would be archived" : "archived")}");
            }
            catch (Exception failure) when (CommandStartup.IsItemFailure(failure))
            {
                refused++;
                await error.WriteLineAsync($"[{i + 1}/{targets.Count}] {id}: not archived: {failure.Message}");
            }
        }

        var done = targets.Count - refused;
        await output.WriteLineAsync(dryRun
            ? $"archive: dry run: {done} would be archived, {refused} refused; nothing was moved"
            : $"archive: {done} archived, {refused} refused");
        return refused == 0 ? 0 : 1;
    }
}
