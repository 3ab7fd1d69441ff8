using System.Runtime.InteropServices;
using Confidant.Services.Audit;
using Confidant.Services.Background;
using Confidant.Services.Rekey;
using Confidant.Web.Auth.Origins;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>rekey run</c>: works the re-encryption job in the foreground, printing its progress: the queued or running one
/// (following a server's worker while that holds it), a paused or failed one resumed, or a new one started with the
/// options. Ctrl+C or SIGTERM stops after the batch at hand and leaves the job to be resumed. Exit 0 when every item
/// was done, 1 when any failed or the job did not complete.
/// </summary>
public static class RekeyRunCommand
{
    private static readonly TimeSpan PrintInterval = TimeSpan.FromSeconds(1);

    public static CommandVerb Verb { get; } = new(
        ["rekey", "run"],
        $"usage: rekey run {RekeyArguments.Options}",
        "Works the re-encryption job here until it ends (starting one, or resuming a paused one); exit 0 when every item was done, 1 if any failed.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (request, problem) = RekeyArguments.Parse(args, 2);
        if (request is null)
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Verb.Usage);
            return CommandLine.BadArguments;
        }

        var caller = CallerOrigins.ForCommand(Verb.Name);
        var rekey = services.GetRequiredService<RekeyService>();
        return await RekeyCommands.DomainAsync(error, Verb.Usage, async () =>
        {
            await services.GetRequiredService<IAuditStore>().InitializeAsync();
            var job = await rekey.GetAsync(caller);
            if (job is null or { Status: RekeyStatus.Completed })
            {
                job = await rekey.StartAsync(caller, request);
                await output.WriteLineAsync($"queued rekey job {job.Id}: {RekeyModes.ToWire(job.Mode)} to {job.TargetKeyArn}");
            }
            else
            {
                if (RekeyArguments.Any(request))
                {
                    await error.WriteLineAsync($"Rekey job {job.Id} is {RekeyStatuses.ToWire(job.Status)}: working it as it was queued; the options are not used.");
                }

                if (job.Status is RekeyStatus.Paused or RekeyStatus.Failed)
                {
                    job = await rekey.ResumeAsync(caller);
                    await output.WriteLineAsync($"resumed rekey job {job.Id}");
                }
            }

            using var stop = new CancellationTokenSource();
            using var interrupt = StopOnSignals(stop);
            var finished = await WorkAsync(services, caller, output, stop.Token);
            if (finished.Job is null)
            {
                await output.WriteLineAsync("The job is gone.");
                return 1;
            }

            await RekeyReport.WriteAsync(output, finished.Job);
            return finished.Job.Succeeded ? 0 : 1;
        });
    }

    private static async Task<RekeyRun> WorkAsync(IServiceProvider services, Services.Authorization.ConfidantPrincipal caller, TextWriter output, CancellationToken stop)
    {
        var runner = services.GetRequiredService<RekeyRunner>();
        var clock = services.GetRequiredKeyedService<TimeProvider>(RekeyClock.Key);
        var poll = TimeSpan.FromSeconds(Math.Min(1, services.GetRequiredService<IOptions<RekeyOptions>>().Value.LeaseSeconds));
        var worker = BackgroundLoop.NewWorkerName();
        var printed = clock.GetTimestamp() - (long)(PrintInterval.TotalSeconds * clock.TimestampFrequency);
        string? following = null;
        void Print(RekeyJob job)
        {
            if (clock.GetElapsedTime(printed) >= PrintInterval)
            {
                printed = clock.GetTimestamp();
                output.WriteLine(RekeyReport.Progress(job));
            }
        }

        while (true)
        {
            var run = await runner.RunAsync(caller, worker, Print, stop);
            switch (run.End)
            {
                case RekeyRunEnd.Busy when run.Job is not null && !stop.IsCancellationRequested:
                    if (following != run.Job.Worker)
                    {
                        following = run.Job.Worker;
                        await output.WriteLineAsync($"rekey {run.Job.Id} is worked by {following}; following its progress (taken over here if that worker stops renewing its claim).");
                    }

                    Print(run.Job);
                    try
                    {
                        await Task.Delay(poll, clock, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return run;
                    }

                    continue;
                case RekeyRunEnd.Stopped:
                    await output.WriteLineAsync("Stopped; the job is saved: rekey run (or a server) resumes it.");
                    return run;
                case RekeyRunEnd.Paused:
                    await output.WriteLineAsync("The job was paused; rekey resume (or rekey run) goes on from here.");
                    return run;
                default:
                    return run;
            }
        }
    }

    /// <summary>Ctrl+C and SIGTERM stop the work after the batch at hand instead of killing the process mid-write.</summary>
    private static Registrations StopOnSignals(CancellationTokenSource stop)
    {
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            }))
            .ToList();
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
