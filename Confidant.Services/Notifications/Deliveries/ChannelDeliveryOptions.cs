namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// How one channel endpoint (a webhook endpoint, the SMTP relay) delivers: the deadline of an attempt, how many
/// attempts, the backoff between them and how many notifications may wait. Each endpoint has its own queue and
/// sender, so a slow or dead one holds up only itself.
/// </summary>
public abstract class ChannelDeliveryOptions
{
    /// <summary>The longest one attempt may take.</summary>
    public double TimeoutSeconds { get; set; } = 3;

    /// <summary>Attempts per notification, the first included.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the first retry; it doubles for each further one, with jitter.</summary>
    public double RetryDelaySeconds { get; set; } = 1;

    /// <summary>The longest wait between two attempts.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 300;

    /// <summary>Notifications waiting for this endpoint; when full, the oldest is dropped (and logged).</summary>
    public int QueueCapacity { get; set; } = 1000;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan RetryDelay => TimeSpan.FromSeconds(RetryDelaySeconds);

    public TimeSpan MaxRetryDelay => TimeSpan.FromSeconds(MaxRetryDelaySeconds);

    /// <summary>Adds a failure naming <paramref name="key"/> for each setting out of its range.</summary>
    public void Validate(string key, List<string> failures)
    {
        Range(failures, $"{key}:TimeoutSeconds", TimeoutSeconds, 0.1, 300);
        Range(failures, $"{key}:MaxAttempts", MaxAttempts, 1, 20);
        Range(failures, $"{key}:RetryDelaySeconds", RetryDelaySeconds, 0.01, 3600);
        Range(failures, $"{key}:MaxRetryDelaySeconds", MaxRetryDelaySeconds, RetryDelaySeconds, 86_400);
        Range(failures, $"{key}:QueueCapacity", QueueCapacity, 1, 1_000_000);
    }

    private static void Range(List<string> failures, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}
