using Confidant.Services.Audit;
using Confidant.Services.Storage.Sqlite;
using Confidant.Web.Auth.Origins;
using Microsoft.Data.Sqlite;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>backup --to FILE</c>: an online backup of the SQLite database (docs/operations.md, "Backups"), consistent while
/// servers keep writing. DynamoDB is backed up by DynamoDB itself (point-in-time recovery, on-demand backups), which
/// the command says instead of copying anything. Each copy, or failed attempt, is on record in the audit trail with
/// the operating-system user who ran it: the file holds every ciphertext.
/// </summary>
public static class BackupCommand
{
    public const string Usage = "usage: backup --to FILE";

    /// <summary>The audit resource type of a backup: the store itself, named by its database path.</summary>
    public const string StoreResource = "store";

    public static CommandVerb Verb { get; } = new(
        ["backup"],
        Usage,
        "Copies the SQLite database (items, archive, audit trail) into FILE while servers keep running; SQLite only.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var parsed = CommandArguments.Parse(args, 1, ["--to"], []);
        if (parsed?.Value("--to") is not { } destination)
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        if (services.GetService<SqliteBackup>() is not { } backup)
        {
            await error.WriteLineAsync(
                "backup copies the SQLite database; on DynamoDB use DynamoDB's own backups: point-in-time recovery " +
                "(aws dynamodb update-continuous-backups) or on-demand backups (aws dynamodb create-backup) of the main, " +
                "archive and audit tables. See docs/operations.md.");
            return CommandLine.BadArguments;
        }

        // The host is not started, so the audit store is readied here as the server readies it.
        await services.GetRequiredService<IAuditStore>().InitializeAsync();
        var recorder = services.GetRequiredService<AuditRecorder>();
        var entry = AuditEntry.For(CallerOrigins.ForCommand(Verb.Name), AuditActions.Backup, StoreResource, backup.DatabasePath);
        try
        {
            var result = await backup.CopyToAsync(destination);
            await recorder.SucceededAsync(entry with { Detail = $"backup: copied to {result.Path} ({result.Pages} pages, {result.Bytes} bytes)" });
            await output.WriteLineAsync(
                $"backup: {backup.DatabasePath} copied to {result.Path} ({result.Pages} pages, {result.Bytes} bytes); integrity check ok");
            return 0;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or SqliteException or InvalidDataException)
        {
            await recorder.FailedAsync(entry with { Detail = $"backup to {destination}: {failure.Message}" });
            await error.WriteLineAsync($"backup: {failure.Message}");
            return 1;
        }
    }
}
