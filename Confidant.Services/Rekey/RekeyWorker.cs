using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Background;
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
    ILogger<RekeyWorker> logger) : BackgroundLoop
{
    /// <summary>The worker as the audit trail names it: the server itself, not a person.</summary>
    internal static ConfidantPrincipal System { get; } = new("confidant", "system")
    {
        AuthMethod = AuditAuthMethods.None,
        Origin = new AuditOrigin(AuditChannels.System, "rekey worker"),
    };

    private readonly string _worker = NewWorkerName();

    protected override Task RoundAsync(CancellationToken stopping) => runner.RunAsync(System, _worker, null, stopping);

    protected override Task PauseAsync(CancellationToken stopping) => signal.WaitAsync(options.Value.Poll, clock, stopping);

    protected override void RoundFailed(Exception failure) => LogFailed(failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "The rekey worker failed; it looks again at its next poll")]
    private partial void LogFailed(Exception error);
}
