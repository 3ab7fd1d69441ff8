using Confidant.Services.Events.Retries;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>
    /// Webhook endpoints from <c>Events:Webhooks</c> (and the original's <c>WEBHOOK_URL</c>), validated at start-up,
    /// their senders running in the background, their retries kept in the store and worked by one server at a time
    /// (<see cref="WebhookRetryWorker"/>), and the <see cref="ChangeEvents"/> the domain services raise.
    /// </summary>
    public static IHostApplicationBuilder AddConfidantEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EventsOptions>, EventsOptionsValidator>();

        // Each attempt has its own deadline from the endpoint's settings; the client's own would cut across it.
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton<WebhookRetries>();
        builder.Services.AddSingleton(sp => new WebhookDispatcher(
            sp.GetRequiredService<IOptions<EventsOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DeliveryLog>(),
            sp.GetRequiredService<ConfidantMetrics>(),
            sp.GetRequiredService<WebhookRetries>(),
            sp.GetRequiredService<ILogger<WebhookDispatcher>>()));
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddSingleton<WebhookRetryWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookRetryWorker>());
        builder.Services.AddSingleton<ChangeEvents>();
        return builder;
    }
}
