using System.Security.Cryptography;
using Confidant.Services.Faults;
using Microsoft.Extensions.Hosting;

namespace Confidant.Services.Background;

/// <summary>
/// A server's background loop: a round of work, then a pause, from start to stop. A round that finds a dependency
/// unavailable is left to the next (the call guard has logged the fault); any other failure is reported through
/// <see cref="RoundFailed"/> and the loop goes on. The first round runs off the start-up path.
/// </summary>
public abstract class BackgroundLoop : BackgroundService
{
    private readonly TaskCompletionSource _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the loop has made its first round, whatever its outcome.</summary>
#pragma warning disable VSTHRD003 // Completed by this instance's own loop.
    internal Task FirstRound => _firstRound.Task;
#pragma warning restore VSTHRD003

    /// <summary>A name for a worker on a claim in the store: host, process id and a random suffix.</summary>
    public static string NewWorkerName() =>
        $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    protected abstract Task RoundAsync(CancellationToken stopping);

    /// <summary>Waits before the next round (a poll interval, or a wake-up); cancelled when the host stops.</summary>
    protected abstract Task PauseAsync(CancellationToken stopping);

    protected abstract void RoundFailed(Exception failure);

    /// <summary>What the loop hands back when the host stops (a claim, unannounced changes); best effort.</summary>
    protected virtual Task LetGoAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops the loop, then lets go. A host may stop its services after disposing the container, so the store may be
    /// gone (disposed) as well as unreachable: either way what was held runs out by itself.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await LetGoAsync(cancellationToken);
        }
        catch (Exception failure) when (failure is OperationCanceledException or ObjectDisposedException || FaultClassifier.IsUnavailable(failure))
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (FaultClassifier.IsUnavailable(error))
            {
                // The guard around the dependency has logged the fault; the next round tries again.
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                RoundFailed(error);
            }

            _firstRound.TrySetResult();
            try
            {
                await PauseAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
