using Microsoft.Extensions.Options;

namespace Confidant.Services.Events;

/// <summary>Refuses webhook settings that could not deliver, at start-up, naming the key.</summary>
internal sealed class EventsOptionsValidator : IValidateOptions<EventsOptions>
{
    public const int MinSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, EventsOptions options)
    {
        List<string> failures = [];
        if (options.RetryLeaseSeconds is < 3 or > 3600)
        {
            failures.Add($"{EventsOptions.SectionName}:RetryLeaseSeconds must be between 3 and 3600 (was {options.RetryLeaseSeconds}).");
        }

        // Renewed at each look, so a claim survives two missed looks.
        if (options.RetryPollSeconds < 1 || options.RetryPollSeconds * 3 > options.RetryLeaseSeconds)
        {
            failures.Add($"{EventsOptions.SectionName}:RetryPollSeconds must be at least 1 and at most a third of " +
                $"{EventsOptions.SectionName}:RetryLeaseSeconds (was {options.RetryPollSeconds}).");
        }

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

            foreach (var type in webhook.Events.Where(t => webhook.Format == WebhookFormat.Original
                         && EventTypes.All.Contains(t, StringComparer.Ordinal) && !EventTypes.Original.Contains(t, StringComparer.Ordinal)))
            {
                failures.Add($"{key}:Events names '{type}', which the original's format cannot carry (set {key}:Format to Confidant).");
            }

            webhook.Validate(key, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
