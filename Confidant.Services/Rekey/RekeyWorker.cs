using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Faults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Rekey;

/// <summary>
/// The server's worker: works a queued or running job (resuming one a stopped or killed worker left), looks again every
/// <c>Rekey:PollSeconds</c> or as soon as a job is queued on this server. On shutdown the job is saved and let go.
/// </summary>
internal sealed partial class RekeyWorker(
    RekeyRunner runner,
    RekeySignal signal,
    IOptions<RekeyOptions> options,
    TimeProvider clock,
    ILogger<RekeyWorker> logger) : BackgroundService
{
    /// <summary>The worker as the audit trail names it: the server itself, not a person.</summary>
    internal static ConfidantPrincipal System { get; } = new("confidant", "system")
    {
        AuthMethod = AuditAuthMethods.None,
        Origin = new AuditOrigin(AuditChannels.System, "rekey worker"),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host goes on starting while the worker looks for a job.
        await Task.Yield();
        var worker = RekeyRunner.NewWorkerName();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunAsync(System, worker, null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (FaultClassifier.IsUnavailable(error))
            {
                // The guard around the store or key service has logged the fault; look again at the next poll.
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                LogFailed(error);
            }

            try
            {
                await signal.WaitAsync(options.Value.Poll, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The rekey worker failed; it looks again at its next poll")]
    private partial void LogFailed(Exception error);
}
