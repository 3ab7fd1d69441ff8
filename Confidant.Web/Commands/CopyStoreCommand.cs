using Confidant.Services.Storage.Copying;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>copy-store --from sqlite:PATH --to dynamodb:TABLE[:ARCHIVE] [--allow-non-empty]</c> (and the other way): moves
/// an installation between the embedded default and DynamoDB through <see cref="StoreCopier"/>, then checks every
/// item in the target and that every credential decrypts there. Exit 0 when every item verified, 1 otherwise.
/// The audit trail is not copied: it stays where it was written, and records the copy.
/// </summary>
public static class CopyStoreCommand
{
    public const string Usage = "usage: copy-store --from sqlite:PATH|dynamodb:TABLE[:ARCHIVE] --to sqlite:PATH|dynamodb:TABLE[:ARCHIVE] [--allow-non-empty]";

    public static CommandVerb Verb { get; } = new(
        ["copy-store"],
        Usage,
        "Copies every item (current, revisions, archive) between a SQLite file and DynamoDB tables, then verifies each decrypts.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandArguments.Parse(args, 1, ["--from", "--to"], ["--allow-non-empty"]);
        var from = options?.Value("--from") is { } f ? StoreLocation.Parse(f) : null;
        var to = options?.Value("--to") is { } t ? StoreLocation.Parse(t) : null;
        if (options is null || from is null || to is null || from == to)
        {
            await error.WriteLineAsync("Name two different stores: --from and --to, each sqlite:PATH or dynamodb:TABLE[:ARCHIVE_TABLE].");
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        StoreCopyReport report;
        try
        {
            await CommandStartup.PrepareStoresAsync(services);
            report = await services.GetRequiredService<StoreCopier>().CopyAsync(
                CallerOrigins.ForCommand(Verb.Name),
                from,
                to,
                options.Has("--allow-non-empty"),
                line => output.WriteLineAsync($"copy-store: {line}"));
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || CommandStartup.IsItemFailure(failure))
        {
            await error.WriteLineAsync($"copy-store: {failure.Message}");
            return 1;
        }

        foreach (var problem in report.Problems)
        {
            await error.WriteLineAsync($"copy-store: FAILED: {problem}");
        }

        var summary = $"{report.Resources} resources copied ({report.Items} items), {report.Skipped} already in the target, {report.Verified} items verified";
        if (report.Problems.Count > 0)
        {
            await error.WriteLineAsync($"copy-store: {report.Problems.Count} items did not verify; {summary}");
            return 1;
        }

        await output.WriteLineAsync($"copy-store: OK: {summary}");
        return 0;
    }
}
