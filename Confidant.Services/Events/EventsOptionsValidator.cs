using Microsoft.Extensions.Options;

namespace Confidant.Services.Events;

/// <summary>Refuses webhook settings that could not deliver, at start-up, naming the key.</summary>
internal sealed class EventsOptionsValidator : IValidateOptions<EventsOptions>
{
    public const int MinSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, EventsOptions options)
    {
        List<string> failures = [];
        foreach (var (endpoint, webhook) in options.Webhooks)
        {
            var key = $"{EventsOptions.SectionName}:Webhooks:{endpoint}";

            // The URL itself is never repeated: it may carry a token in its query.
            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{key}:Url must be an absolute http or https URL.");
            }

            if (webhook.Format == WebhookFormat.Confidant && (webhook.Secret?.Length ?? 0) < MinSecretLength)
            {
                failures.Add($"{key}:Secret must be at least {MinSecretLength} characters for a signed endpoint " +
                    $"(or set {key}:Format to Original for the original's unsigned webhook).");
            }

            if (!Enum.IsDefined(webhook.Format))
            {
                failures.Add($"{key}:Format must be Confidant or Original.");
            }

            foreach (var type in webhook.Events.Where(t => !EventTypes.All.Contains(t, StringComparer.Ordinal)))
            {
                failures.Add($"{key}:Events names an unknown event type '{type}' (known: {string.Join(", ", EventTypes.All)}).");
            }

            Range(failures, $"{key}:TimeoutSeconds", webhook.TimeoutSeconds, 0.1, 60);
            Range(failures, $"{key}:MaxAttempts", webhook.MaxAttempts, 1, 20);
            Range(failures, $"{key}:RetryDelaySeconds", webhook.RetryDelaySeconds, 0.01, 3600);
            Range(failures, $"{key}:MaxRetryDelaySeconds", webhook.MaxRetryDelaySeconds, webhook.RetryDelaySeconds, 86_400);
            Range(failures, $"{key}:QueueCapacity", webhook.QueueCapacity, 1, 1_000_000);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}
