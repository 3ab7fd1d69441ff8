using Confidant.Services.Audit;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Services.Rekey;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>rekey start|status|pause|resume</c>: queue the re-encryption job (a running server's worker, or <c>rekey run</c>,
/// works it), show it, pause it, resume it. Each goes through the domain's <see cref="RekeyService"/> as the
/// operating-system user who ran it, and is recorded in the audit trail.
/// </summary>
public static class RekeyCommands
{
    public static CommandVerb Start { get; } = new(
        ["rekey", "start"],
        $"usage: rekey start {RekeyArguments.Options}",
        "Queues the job that re-wraps every stored data key under the master key (or KEY); rekey mode also gives credentials fresh data keys.",
        RunStartAsync);

    public static CommandVerb Status { get; } = new(
        ["rekey", "status"],
        "usage: rekey status",
        "Shows the re-encryption job: progress, rate, ETA, failures, and the blind credentials with their owners.",
        (services, args, output, error) => RunSimpleAsync(services, args, output, error, "status", (rekey, caller) => rekey.GetAsync(caller)));

    public static CommandVerb Pause { get; } = new(
        ["rekey", "pause"],
        "usage: rekey pause",
        "Pauses the re-encryption job after the batch at hand; rekey resume (or rekey run) goes on from there.",
        (services, args, output, error) => RunSimpleAsync(services, args, output, error, "pause", async (rekey, caller) => await rekey.PauseAsync(caller)));

    public static CommandVerb Resume { get; } = new(
        ["rekey", "resume"],
        "usage: rekey resume",
        "Queues a paused or failed re-encryption job again, to go on from where it stopped.",
        (services, args, output, error) => RunSimpleAsync(services, args, output, error, "resume", async (rekey, caller) => await rekey.ResumeAsync(caller)));

    private static async Task<int> RunStartAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (request, problem) = RekeyArguments.Parse(args, 2);
        if (request is null)
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Start.Usage);
            return CommandLine.BadArguments;
        }

        return await DomainAsync(error, Start.Usage, async () =>
        {
            await services.GetRequiredService<IAuditStore>().InitializeAsync();
            var job = await services.GetRequiredService<RekeyService>().StartAsync(CallerOrigins.ForCommand(Start.Name), request);
            await output.WriteLineAsync($"queued rekey job {job.Id}: {RekeyModes.ToWire(job.Mode)} to {job.TargetKeyArn}");
            await output.WriteLineAsync("A running server works it (see rekey status); or run it here with: rekey run");
            return 0;
        });
    }

    private static async Task<int> RunSimpleAsync(
        IServiceProvider services,
        IReadOnlyList<string> args,
        TextWriter output,
        TextWriter error,
        string word,
        Func<RekeyService, Services.Authorization.ConfidantPrincipal, Task<RekeyJob?>> act)
    {
        var usage = $"usage: rekey {word}";
        if (args.Skip(2).Any(a => !CommandLine.IsSetting(a)))
        {
            await error.WriteLineAsync(usage);
            return CommandLine.BadArguments;
        }

        return await DomainAsync(error, usage, async () =>
        {
            await services.GetRequiredService<IAuditStore>().InitializeAsync();
            var job = await act(services.GetRequiredService<RekeyService>(), CallerOrigins.ForCommand($"rekey {word}"));
            if (job is null)
            {
                await error.WriteLineAsync("No rekey job has been queued.");
                return 1;
            }

            await RekeyReport.WriteAsync(output, job);
            return 0;
        });
    }

    /// <summary>
    /// Runs a domain act; a refusal the operator can fix (bad input) exits 2 with the usage, anything else the domain
    /// refuses or cannot do (a conflict, an unavailable store or key service) exits 1 with its message.
    /// </summary>
    internal static async Task<int> DomainAsync(TextWriter error, string usage, Func<Task<int>> act)
    {
        try
        {
            return await act();
        }
        catch (ConfidantException refusal) when (refusal.Kind == ConfidantErrorKind.BadRequest)
        {
            await error.WriteLineAsync(refusal.Message);
            await error.WriteLineAsync(usage);
            return CommandLine.BadArguments;
        }
        catch (Exception failure) when (failure is ConfidantException || FaultClassifier.IsUnavailable(failure))
        {
            await error.WriteLineAsync(failure.Message);
            return 1;
        }
    }
}
