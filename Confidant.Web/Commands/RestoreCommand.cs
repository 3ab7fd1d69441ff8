using Confidant.Services.Credentials;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>restore --ids ID,ID</c> (spec §9.3, the original's <c>restore_credentials</c>): brings archived credentials back
/// with all their revisions through <see cref="CredentialService.RestoreAsync"/> as the operator; items still in the
/// primary table are kept.
/// </summary>
public static class RestoreCommand
{
    public const string Usage = "usage: restore --ids ID,ID";

    public static CommandVerb Verb { get; } = new(
        ["restore"],
        Usage,
        "Restores archived credentials with all their revisions.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandArguments.Parse(args, 1, ["--ids"], [])?.List("--ids") is not { } ids)
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        var caller = CallerOrigins.ForCommand(Verb.Name);
        try
        {
            await CommandStartup.PrepareStoresAsync(services);
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure))
        {
            await error.WriteLineAsync($"restore: {failure.Message}");
            return 1;
        }

        var credentials = services.GetRequiredService<CredentialService>();
        var refused = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            try
            {
                var restored = await credentials.RestoreAsync(caller, ids[i]);
                await output.WriteLineAsync($"[{i + 1}/{ids.Count}] {ids[i]}: restored at revision {restored.Item.Revision}");
            }
            catch (Exception failure) when (CommandStartup.IsItemFailure(failure))
            {
                refused++;
                await error.WriteLineAsync($"[{i + 1}/{ids.Count}] {ids[i]}: not restored: {failure.Message}");
            }
        }

        await output.WriteLineAsync($"restore: {ids.Count - refused} restored, {refused} refused");
        return refused == 0 ? 0 : 1;
    }
}
