using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Support.Notifications;

/// <summary>
/// Moves a fake clock on in steps until a background sender's next attempt arrives: its backoff timer may be set
/// only after the test saw the previous attempt, so one step could come too early.
/// </summary>
public static class ClockSteps
{
    public static async Task<T> UntilAsync<T>(FakeTimeProvider time, TimeSpan step, Func<TimeSpan, Task<T>> next)
    {
        for (var i = 0; ; i++)
        {
            time.Advance(step);
            try
            {
                return await next(TimeSpan.FromMilliseconds(100));
            }
            catch (OperationCanceledException) when (i < 50)
            {
            }
        }
    }
}
