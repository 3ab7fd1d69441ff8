using Confidant.Services.Authorization;
using Confidant.Services.Notifications.Deliveries;

namespace Confidant.Tests.Support.Notifications;

/// <summary>Reads the delivery log as an admin until it holds what a test waits for (the log is written in the background).</summary>
public static class DeliveryLogWatch
{
    public static ConfidantPrincipal Admin { get; } = ConfidantPrincipal.ForUser("admin@example.com", roles: new HashSet<string> { ConfidantRoles.Admin });

    /// <summary>The attempts of <paramref name="eventId"/>, oldest first, once there are <paramref name="count"/> of them.</summary>
    public static async Task<IReadOnlyList<DeliveryAttempt>> WaitForAsync(DeliveryLogReader reader, string eventId, int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var page = await reader.QueryAsync(Admin, new DeliveryQuery(EventId: eventId), deadline.Token);
            if (page.Attempts.Count >= count)
            {
                return [.. page.Attempts.OrderBy(a => a.Attempt).ThenBy(a => a.Time)];
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}
