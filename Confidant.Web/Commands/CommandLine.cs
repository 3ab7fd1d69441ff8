using Confidant.Services.Cluster;

namespace Confidant.Web.Commands;

/// <summary>
/// The verbs the executable runs instead of the server, in one table. A first argument that is neither an option
/// (<c>--key</c>) nor a setting (<c>key=value</c>) names a verb; an unknown one, or bad arguments, exit with code 2
/// and the usage. Commands run on the built but unstarted host: no hosted service starts, no port is opened.
/// </summary>
public static class CommandLine
{
    public const int BadArguments = 2;

    public static IReadOnlyList<CommandVerb> Verbs { get; } =
    [
        TokenCommand.Verb, AuditVerifyCommand.Verb, JwtRotateCommand.Verb,
        ArchiveCommand.Verb, RestoreCommand.Verb, GrantsCommand.EnsureVerb, GrantsCommand.RevokeVerb,
        TablesCreateCommand.Verb, CopyStoreCommand.Verb, BackupCommand.Verb, BootstrapCommand.GenerateVerb, BootstrapCommand.DecryptVerb,
        RekeyCommands.Start, RekeyCommands.Status, RekeyCommands.Pause, RekeyCommands.Resume, RekeyRunCommand.Verb,
        KeysCommands.List, KeysCommands.Rotate, KeysCommands.Disable, KeysCommands.Enable,
        FingerprintsBackfillCommand.Verb, SessionsRevokeCommand.Verb,
    ];

    /// <summary>Whether <paramref name="args"/> ask for a command (or for the list of them) rather than the server.</summary>
    public static bool IsCommand(IReadOnlyList<string> args) =>
        args.Count > 0 && (IsHelp(args[0]) || (!args[0].StartsWith('-') && !args[0].StartsWith('/') && !args[0].Contains('=', StringComparison.Ordinal)));

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (IsHelp(args[0]))
        {
            await WriteVerbsAsync(output, Verbs);
            return 0;
        }

        var verb = Verbs.FirstOrDefault(v => v.Matches(args));
        if (verb is null)
        {
            // "audit" alone, or "audit frobnicate": the verbs of that group; anything else: every verb.
            var group = Verbs.Where(v => v.Words[0] == args[0]).ToList();
            await error.WriteLineAsync(group.Count > 0 ? $"Unknown command '{string.Join(' ', args.Take(2))}'." : $"Unknown command '{args[0]}'.");
            await WriteVerbsAsync(error, group.Count > 0 ? group : Verbs);
            return BadArguments;
        }

        if (args.Skip(verb.Words.Count).Any(IsHelp))
        {
            await output.WriteLineAsync(verb.Usage);
            await output.WriteLineAsync(verb.Summary);
            return 0;
        }

        var exit = await verb.RunAsync(services, args, output, error);

        // A running server's caches learn of what the verb changed at its next look at the beacon, not at their expiry.
        try
        {
            await services.GetRequiredService<ClusterCoherence>().AnnounceAsync();
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure))
        {
            await error.WriteLineAsync("The change could not be announced to running servers; their caches catch up as they expire.");
        }

        return exit;
    }

    /// <summary>A setting on the command line (<c>--Key=value</c>): configuration for the host, whatever the verb.</summary>
    public static bool IsSetting(string arg) => arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal);

    private static bool IsHelp(string arg) => arg is "--help" or "-h" or "help";

    private static async Task WriteVerbsAsync(TextWriter writer, IEnumerable<CommandVerb> verbs)
    {
        await writer.WriteLineAsync("Commands (dotnet Confidant.Web.dll <command>, or dotnet run --project Confidant.Web -- <command>):");
        foreach (var verb in verbs)
        {
            await writer.WriteLineAsync($"  {verb.Usage["usage: ".Length..]}");
            await writer.WriteLineAsync($"      {verb.Summary}");
        }

        await writer.WriteLineAsync("Without a command the server starts. Settings may follow any command (--Key=value).");
    }
}
