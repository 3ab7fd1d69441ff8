using Confidant.Services.Errors;

namespace Confidant.Services.Faults;

/// <summary>
/// Runs calls to one dependency within a time limit and turns their faults into
/// <see cref="DependencyUnavailableException"/>, reported once per interval to the <see cref="FaultLog"/>. A call the
/// dependency leaves unanswered is abandoned at the limit even if it ignores its cancellation token; when the caller
/// itself gives up (the client went away), its cancellation passes through unchanged.
/// </summary>
internal sealed class CallGuard(Dependency dependency, TimeSpan timeout, TimeProvider clock, FaultLog log)
{
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await call(linked.Token).WaitAsync(timeout, clock, cancellationToken);
        }
        catch (Exception error) when (error is not DependencyUnavailableException
            && !cancellationToken.IsCancellationRequested
            && FailureOf(error, deadline.Token) is { } failure)
        {
            log.Unavailable(dependency, failure, operation, error);
            throw new DependencyUnavailableException(dependency, failure, error);
        }
    }

    public Task RunAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, async token =>
        {
            await call(token);
            return true;
        }, cancellationToken);

    private static FailureClass? FailureOf(Exception error, CancellationToken deadline) =>
        error is OperationCanceledException && deadline.IsCancellationRequested
            ? FailureClass.TimedOut
            : FaultClassifier.Classify(error);
}
